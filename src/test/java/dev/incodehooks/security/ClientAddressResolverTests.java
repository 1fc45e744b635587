package dev.incodehooks.security;

import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressResolverTests {

    private final ClientAddressResolver behindProxies = new ClientAddressResolver(
            AddressRanges.parse("trusted-proxies", List.of("10.0.0.0/8", "2001:db8:ffff::/48")));

    private final ClientAddressResolver direct = new ClientAddressResolver(
            AddressRanges.parse("trusted-proxies", List.of()));

    @Test
    void usesPeerWhenNoProxyIsTrusted() {
        assertThat(resolve(this.direct, "203.0.113.7")).contains("203.0.113.7");
    }

    @Test
    void ignoresForwardedForFromUntrustedPeer() {
        assertThat(resolve(this.direct, "198.51.100.9", "18.210.119.234")).contains("198.51.100.9");
        assertThat(resolve(this.behindProxies, "198.51.100.9", "18.210.119.234")).contains("198.51.100.9");
    }

    @Test
    void takesRightMostEntryFromTrustedPeer() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234")).contains("18.210.119.234");
    }

    @Test
    void rejectsSpoofedLeftMostEntry() {
        // The caller wrote "18.210.119.234" itself; our proxy appended the address it really saw.
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234, 198.51.100.9")).contains("198.51.100.9");
    }

    @Test
    void skipsTrustedProxiesFromTheRight() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "198.51.100.1, 18.210.119.234, 10.1.1.1, 10.2.2.2"))
            .contains("18.210.119.234");
    }

    @Test
    void readsEveryHeaderLineInOrder() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "198.51.100.1", "18.210.119.234, 10.1.1.1"))
            .contains("18.210.119.234");
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234", "198.51.100.1")).contains("198.51.100.1");
    }

    @Test
    void stripsPortsAndBrackets() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234:51234")).contains("18.210.119.234");
        assertThat(resolve(this.behindProxies, "10.0.0.5", "[2001:db8::7]:443")).contains("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void handlesIpv6Peers() {
        assertThat(resolve(this.behindProxies, "2001:db8:ffff::1", "2001:db8::7")).contains("2001:db8:0:0:0:0:0:7");
        assertThat(resolve(this.behindProxies, "2001:db8:ffff:0:0:0:0:1", "2001:db8:ffff::2, 18.158.116.18"))
            .contains("18.158.116.18");
    }

    @Test
    void turnsIpv4MappedAddressesIntoIpv4() {
        assertThat(resolve(this.behindProxies, "::ffff:10.0.0.5", "::ffff:18.210.119.234")).contains("18.210.119.234");
        assertThat(resolve(this.direct, "::ffff:203.0.113.7")).contains("203.0.113.7");
    }

    @Test
    void refusesToGuessPastGarbage() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234, unknown")).isEmpty();
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234,")).isEmpty();
        assertThat(resolve(this.behindProxies, "10.0.0.5", "evil.example.com")).isEmpty();
    }

    @Test
    void ignoresGarbageLeftOfTheClient() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "unknown, 18.210.119.234, 10.1.1.1"))
            .contains("18.210.119.234");
    }

    @Test
    void fallsBackToLeftMostProxyWhenEveryHopIsTrusted() {
        assertThat(resolve(this.behindProxies, "10.0.0.5", "10.9.9.9, 10.1.1.1")).contains("10.9.9.9");
        assertThat(resolve(this.behindProxies, "10.0.0.5")).contains("10.0.0.5");
    }

    @Test
    void readsOnlyTheRightMostEntriesOfAHugeHeader() {
        String forged = String.join(",", Collections.nCopies(10_000, "10.1.1.1"));
        assertThat(resolve(this.behindProxies, "10.0.0.5", "18.210.119.234, " + forged)).contains("10.1.1.1");
    }

    private static Optional<String> resolve(ClientAddressResolver resolver, String peer, String... forwardedFor) {
        return resolver.resolve(peer, Collections.enumeration(List.of(forwardedFor)))
            .map(InetAddress::getHostAddress);
    }
}
