package dev.incodehooks.security;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class SourceAllowlistFilterTests {

    private final SourceAllowlistFilter filter = new SourceAllowlistFilter(
            new ClientAddressResolver(AddressRanges.parse("trusted-proxies", List.of("10.0.0.0/8"))),
            AddressRanges.parse("allowed-sources", List.of("18.210.119.234/32")));

    private final MockHttpServletResponse response = new MockHttpServletResponse();

    private final MockFilterChain chain = new MockFilterChain();

    @Test
    void passesAllowedSourceAndRecordsItsAddress() throws Exception {
        MockHttpServletRequest request = request("18.210.119.234");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.chain.getRequest()).isSameAs(request);
        assertThat(ClientAddress.of(request)).isEqualTo("18.210.119.234");
    }

    @Test
    void passesAllowedSourceBehindTrustedProxy() throws Exception {
        MockHttpServletRequest request = request("10.0.0.5");
        request.addHeader("X-Forwarded-For", "18.210.119.234");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.chain.getRequest()).isSameAs(request);
        assertThat(ClientAddress.of(request)).isEqualTo("18.210.119.234");
    }

    @Test
    void rejectsOtherSourceWithProblem() throws Exception {
        this.filter.doFilter(request("198.51.100.9"), this.response, this.chain);
        assertThat(this.chain.getRequest()).isNull();
        assertThat(this.response.getStatus()).isEqualTo(403);
        assertThat(this.response.getContentType()).isEqualTo("application/problem+json");
        assertThat(this.response.getContentAsString()).contains("\"status\":403")
            .contains("This source address is not allowed.");
    }

    @Test
    void rejectsSpoofedForwardedForFromUntrustedPeer() throws Exception {
        MockHttpServletRequest request = request("198.51.100.9");
        request.addHeader("X-Forwarded-For", "18.210.119.234");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.response.getStatus()).isEqualTo(403);
    }

    @Test
    void rejectsUnresolvableClient() throws Exception {
        MockHttpServletRequest request = request("10.0.0.5");
        request.addHeader("X-Forwarded-For", "unknown");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.response.getStatus()).isEqualTo(403);
        assertThat(this.response.getContentAsString()).contains("could not be determined");
    }

    private static MockHttpServletRequest request(String peer) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/incode/onboarding-status");
        request.setRemoteAddr(peer);
        return request;
    }
}
