package dev.incodehooks.security;

import java.net.InetAddress;
import java.util.List;

import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * A list of CIDR ranges (IPv4 and IPv6), checked at start-up and matched with Spring Security's
 * {@link IpAddressMatcher}.
 */
final class AddressRanges {

    private final List<IpAddressMatcher> matchers;

    private AddressRanges(List<IpAddressMatcher> matchers) {
        this.matchers = matchers;
    }

    /**
     * Parses every range, failing with a message that names the configuration key.
     * @param key the configuration key the ranges come from, for the error message
     * @param ranges CIDRs such as {@code 203.0.113.0/24}, or single addresses
     */
    static AddressRanges parse(String key, List<String> ranges) {
        return new AddressRanges(ranges.stream().map((range) -> matcher(key, range)).toList());
    }

    boolean isEmpty() {
        return this.matchers.isEmpty();
    }

    boolean contains(InetAddress address) {
        String literal = address.getHostAddress();
        for (IpAddressMatcher matcher : this.matchers) {
            if (matcher.matches(literal)) {
                return true;
            }
        }
        return false;
    }

    private static IpAddressMatcher matcher(String key, String range) {
        String text = range.strip();
        int slash = text.indexOf('/');
        String address = (slash < 0) ? text : text.substring(0, slash);
        InetAddress parsed = IpLiteral.parse(address)
            .orElseThrow(() -> invalid(key, range, "not an IPv4 or IPv6 address"));
        if (slash >= 0) {
            int maxBits = parsed.getAddress().length * 8;
            int bits = prefixLength(text.substring(slash + 1));
            if (bits < 0 || bits > maxBits) {
                throw invalid(key, range, "prefix length must be between 0 and " + maxBits);
            }
            // ::ffff:a.b.c.d/104 style ranges would mismatch once the JDK turns the address into IPv4.
            if (address.indexOf(':') >= 0 && maxBits == 32) {
                throw invalid(key, range, "write IPv4-mapped ranges in IPv4 form");
            }
        }
        return new IpAddressMatcher((slash < 0) ? parsed.getHostAddress() : text);
    }

    private static int prefixLength(String text) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    private static IllegalArgumentException invalid(String key, String range, String why) {
        return new IllegalArgumentException(key + ": '" + range + "' is not a valid CIDR range (" + why + ")");
    }
}
