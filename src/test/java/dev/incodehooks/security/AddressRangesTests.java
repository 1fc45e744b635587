package dev.incodehooks.security;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AddressRangesTests {

    @Test
    void matchesIpv4AndIpv6Ranges() throws Exception {
        AddressRanges ranges = AddressRanges.parse("key",
                List.of("18.210.119.234/32", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1"));
        assertThat(ranges.contains(InetAddress.getByName("18.210.119.234"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("18.210.119.235"))).isFalse();
        assertThat(ranges.contains(InetAddress.getByName("10.200.1.1"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("2001:db8:1::1"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(ranges.contains(InetAddress.getByName("192.0.2.1"))).isTrue();
        assertThat(ranges.contains(InetAddress.getByName("::ffff:10.1.2.3"))).isTrue();
    }

    @Test
    void matchesEverythingWithZeroPrefixes() throws Exception {
        AddressRanges all = AddressRanges.parse("key", List.of("0.0.0.0/0", "::/0"));
        assertThat(all.contains(InetAddress.getByName("203.0.113.7"))).isTrue();
        assertThat(all.contains(InetAddress.getByName("2001:db8::1"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0/8", "10.0.0.0/33", "2001:db8::/129", "localhost/32", "10.0.0.0/", "10.0.0.0/x",
            "example.com", "", "::ffff:10.0.0.0/104" })
    void rejectsInvalidRangesNamingTheKey(String range) {
        assertThatIllegalArgumentException().isThrownBy(() -> AddressRanges.parse("webhooks.security.x", List.of(range)))
            .withMessageStartingWith("webhooks.security.x: '" + range + "' is not a valid CIDR range");
    }
}
