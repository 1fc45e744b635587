package dev.incodehooks.security;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class RequiredHeadersFilterTests {

    private final RequiredHeadersFilter filter = new RequiredHeadersFilter(
            Map.of("X-Incode-Secret", List.of("old-secret", "new-secret"), "X-Tenant", List.of("acme")));

    private final MockHttpServletResponse response = new MockHttpServletResponse();

    private final MockFilterChain chain = new MockFilterChain();

    @Test
    void passesWithEitherRotatedValue() throws Exception {
        for (String secret : List.of("old-secret", "new-secret")) {
            MockFilterChain chain = new MockFilterChain();
            MockHttpServletRequest request = request();
            request.addHeader("x-incode-secret", secret);
            request.addHeader("X-TENANT", "acme");
            this.filter.doFilter(request, new MockHttpServletResponse(), chain);
            assertThat(chain.getRequest()).as(secret).isSameAs(request);
        }
    }

    @Test
    void rejectsWrongValueWithoutEchoingIt() throws Exception {
        MockHttpServletRequest request = request();
        request.addHeader("X-Incode-Secret", "guess-secret");
        request.addHeader("X-Tenant", "acme");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.chain.getRequest()).isNull();
        assertThat(this.response.getStatus()).isEqualTo(401);
        assertThat(this.response.getContentType()).isEqualTo("application/problem+json");
        assertThat(this.response.getContentAsString()).contains("X-Incode-Secret does not have an accepted value")
            .doesNotContain("guess-secret")
            .doesNotContain("new-secret");
    }

    @Test
    void rejectsMissingHeader() throws Exception {
        MockHttpServletRequest request = request();
        request.addHeader("X-Incode-Secret", "new-secret");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.response.getStatus()).isEqualTo(401);
        assertThat(this.response.getContentAsString()).contains("X-Tenant is missing");
    }

    @Test
    void rejectsRepeatedHeader() throws Exception {
        MockHttpServletRequest request = request();
        request.addHeader("X-Incode-Secret", "guess");
        request.addHeader("X-Incode-Secret", "new-secret");
        request.addHeader("X-Tenant", "acme");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.response.getStatus()).isEqualTo(401);
        assertThat(this.response.getContentAsString()).contains("more than once");
    }

    @Test
    void rejectsPrefixOfSecret() throws Exception {
        MockHttpServletRequest request = request();
        request.addHeader("X-Incode-Secret", "new-secre");
        request.addHeader("X-Tenant", "acme");
        this.filter.doFilter(request, this.response, this.chain);
        assertThat(this.response.getStatus()).isEqualTo(401);
    }

    private static MockHttpServletRequest request() {
        return new MockHttpServletRequest("POST", "/webhooks/incode/onboarding-status");
    }
}
