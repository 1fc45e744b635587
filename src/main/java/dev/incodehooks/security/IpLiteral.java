package dev.incodehooks.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of IP address literals, so that no input can ever trigger a DNS lookup.
 */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern
        .compile("(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})");

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private IpLiteral() {
    }

    /**
     * Parses an address such as {@code 203.0.113.7}, {@code 2001:db8::1} or {@code ::ffff:203.0.113.7}
     * (which becomes the IPv4 address). Anything else, host names included, is empty.
     */
    static Optional<InetAddress> parse(String text) {
        var ipv4 = IPV4.matcher(text);
        if (ipv4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(ipv4.group(group)) > 255) {
                    return Optional.empty();
                }
            }
            return resolveLiteral(text);
        }
        if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
            return resolveLiteral(text);
        }
        return Optional.empty();
    }

    /**
     * Parses one {@code X-Forwarded-For} entry, which may carry a port: {@code 203.0.113.7:4711},
     * {@code [2001:db8::1]:443}, {@code [2001:db8::1]} or a bare address.
     */
    static Optional<InetAddress> parseHostAndPort(String entry) {
        String text = entry.strip();
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
                return Optional.empty();
            }
            String inner = text.substring(1, close);
            return (inner.indexOf(':') >= 0) ? parse(inner) : Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && colon == text.lastIndexOf(':')) {
            return PORT.matcher(text.substring(colon + 1)).matches() ? parse(text.substring(0, colon))
                    : Optional.empty();
        }
        return parse(text);
    }

    private static Optional<InetAddress> resolveLiteral(String literal) {
        try {
            // Only literals reach this point: the JDK parses them without any lookup.
            return Optional.of(InetAddress.getByName(literal));
        }
        catch (UnknownHostException ex) {
            return Optional.empty();
        }
    }
}
