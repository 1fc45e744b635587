package dev.incodehooks.security;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any {@code X-Forwarded-For} lines from any peer, behind any set of trusted proxies, through
 * {@link ClientAddressResolver}. An input is text, so the checked-in ones under
 * {@code ClientAddressResolverFuzzTestsInputs/} read as cases: the first line holds the trusted
 * proxies (CIDRs, separated by spaces), the second the TCP peer, each further line one header line.
 * The Surefire execution {@code fuzz-client-address} replays them, then fuzzes for a bounded time.
 */
class ClientAddressResolverFuzzTests {

    /** The resolver reads no further left than this many entries; see ClientAddressResolver. */
    private static final int MAX_ENTRIES = 64;

    @DictionaryEntries({ "10.0.0.5", "10.", "198.51.100.9", "::ffff:", "::1", "2001:db8:ffff::", "2001:db8::7", "[",
            "]:443", ":8080", ", ", ",", "/0", "/8", "/32", "/48", "/128", "0.0.0.0/0", "::/0", "unknown" })
    @FuzzTest(maxDuration = "10s")
    void neverTakesAnEntryLeftOfTheRightMostUntrustedHop(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        AddressRanges trusted;
        try {
            trusted = AddressRanges.parse("trusted-proxies",
                    Arrays.stream(lines[0].split(" ")).filter((range) -> !range.isBlank()).toList());
        }
        catch (IllegalArgumentException ex) {
            return; // The service refuses to start with these ranges: no request ever meets them.
        }
        String peer = (lines.length > 1) ? lines[1] : "";
        List<String> forwardedFor = (lines.length > 2) ? List.of(lines).subList(2, lines.length) : List.of();

        // Anything thrown here escapes and is a finding: the documented refusal is an empty result.
        Optional<InetAddress> client = new ClientAddressResolver(trusted).resolve(peer,
                Collections.enumeration(forwardedFor));

        assertThat(client).isEqualTo(documentedClient(trusted, peer, forwardedFor));
        client.ifPresent((address) -> assertThat(address)
            .as("an address the caller could have written itself, left of an untrusted hop")
            .isNotIn(writtenOnlyByTheCaller(trusted, peer, forwardedFor)));
    }

    /**
     * The rule as ClientAddressResolver documents it: an untrusted peer is the client; behind a trusted
     * one, the right-most entry that is not a trusted proxy, or nothing if that entry is not an address;
     * if every entry read is a trusted proxy, the left-most of them.
     */
    private static Optional<InetAddress> documentedClient(AddressRanges trusted, String peer,
            List<String> forwardedFor) {
        Optional<InetAddress> peerAddress = IpLiteral.parse(peer);
        if (peerAddress.isEmpty() || !trusted.contains(peerAddress.get())) {
            return peerAddress;
        }
        List<String> entries = entries(forwardedFor);
        int boundary = rightMostUntrusted(trusted, entries);
        if (boundary >= 0) {
            return IpLiteral.parseHostAndPort(entries.get(boundary));
        }
        int leftMostRead = Math.max(0, entries.size() - MAX_ENTRIES);
        return entries.isEmpty() ? peerAddress : IpLiteral.parseHostAndPort(entries.get(leftMostRead));
    }

    /**
     * Addresses that occur only left of the right-most untrusted hop (within the entries read): the
     * caller wrote them, so none of them may ever come out as the client.
     */
    private static Set<InetAddress> writtenOnlyByTheCaller(AddressRanges trusted, String peer,
            List<String> forwardedFor) {
        Optional<InetAddress> peerAddress = IpLiteral.parse(peer);
        if (peerAddress.isEmpty() || !trusted.contains(peerAddress.get())) {
            return Set.of();
        }
        List<String> entries = entries(forwardedFor);
        int boundary = rightMostUntrusted(trusted, entries);
        if (boundary < 0) {
            return Set.of();
        }
        Set<InetAddress> left = addresses(entries.subList(0, boundary));
        left.removeAll(addresses(entries.subList(boundary, entries.size())));
        left.remove(peerAddress.get());
        return left;
    }

    /** Index of the right-most entry, among those read, that is not a trusted proxy's address; else -1. */
    private static int rightMostUntrusted(AddressRanges trusted, List<String> entries) {
        for (int i = entries.size() - 1; i >= Math.max(0, entries.size() - MAX_ENTRIES); i--) {
            Optional<InetAddress> hop = IpLiteral.parseHostAndPort(entries.get(i));
            if (hop.isEmpty() || !trusted.contains(hop.get())) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> entries(List<String> lines) {
        return lines.stream().flatMap((line) -> Arrays.stream(line.split(",", -1))).toList();
    }

    private static Set<InetAddress> addresses(List<String> entries) {
        Set<InetAddress> addresses = new HashSet<>();
        entries.forEach((entry) -> IpLiteral.parseHostAndPort(entry).ifPresent(addresses::add));
        return addresses;
    }
}
