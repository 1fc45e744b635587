package dev.incodehooks.security;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * Finds the address of the real caller. The TCP peer is the caller unless it is a trusted proxy; only
 * then is {@code X-Forwarded-For} read, right to left across all its lines, skipping trusted proxies.
 * The first other entry is the caller: entries further left were written by that caller and prove
 * nothing.
 */
final class ClientAddressResolver {

    /** More hops than any real chain of load balancers; bounds the work a forged header can cause. */
    private static final int MAX_ENTRIES = 64;

    private final AddressRanges trustedProxies;

    ClientAddressResolver(AddressRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * @param peer the TCP peer address as the servlet container reports it
     * @param forwardedFor every {@code X-Forwarded-For} header line, in the order received
     * @return the client address, or empty when it cannot be told (an unparseable entry where the
     * client should be, or an unparseable peer)
     */
    Optional<InetAddress> resolve(String peer, Enumeration<String> forwardedFor) {
        Optional<InetAddress> peerAddress = IpLiteral.parse(peer);
        if (peerAddress.isEmpty() || this.trustedProxies.isEmpty()
                || !this.trustedProxies.contains(peerAddress.get())) {
            return peerAddress;
        }
        List<String> entries = entries(forwardedFor);
        InetAddress candidate = peerAddress.get();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpLiteral.parseHostAndPort(entries.get(i));
            if (hop.isEmpty()) {
                return Optional.empty();
            }
            candidate = hop.get();
            if (!this.trustedProxies.contains(candidate)) {
                return hop;
            }
        }
        // Every hop is a trusted proxy: the left-most one is as far as the chain can be followed.
        return Optional.of(candidate);
    }

    private static List<String> entries(Enumeration<String> lines) {
        List<String> entries = new ArrayList<>();
        while (lines.hasMoreElements()) {
            for (String entry : lines.nextElement().split(",", -1)) {
                entries.add(entry);
            }
        }
        // Keep the right-most entries: those are the ones written by our own proxies.
        return (entries.size() > MAX_ENTRIES) ? entries.subList(entries.size() - MAX_ENTRIES, entries.size())
                : entries;
    }
}
