package dev.incodehooks.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the webhook URL ({@code webhooks.security.*}). Checked completely at start-up: a bad
 * range or an empty secret stops the service with a message naming the key.
 *
 * @param allowedSources CIDR ranges Incode calls from; default Incode SAAS and SAAS EU
 * @param trustedProxies CIDR ranges of our own load balancers, whose {@code X-Forwarded-For} is
 * believed; default none
 * @param requiredHeaders static headers set in Incode's dashboard: name to the accepted values
 * (several during a rotation); names are case-insensitive
 */
@ConfigurationProperties("webhooks.security")
public record SecurityProperties(@DefaultValue({ "18.210.119.234/32", "18.158.116.18/32" }) List<String> allowedSources,
        @DefaultValue List<String> trustedProxies, @DefaultValue Map<String, List<String>> requiredHeaders) {

    private static final String PREFIX = "webhooks.security.";

    public SecurityProperties {
        allowedSources = List.copyOf(allowedSources);
        trustedProxies = List.copyOf(trustedProxies);
        requiredHeaders = copyOf(requiredHeaders);
        if (allowedSources.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "allowed-sources must not be empty "
                    + "(to accept every source, which is not advised, list 0.0.0.0/0 and ::/0)");
        }
        AddressRanges.parse(PREFIX + "allowed-sources", allowedSources);
        AddressRanges.parse(PREFIX + "trusted-proxies", trustedProxies);
        requiredHeaders.forEach(SecurityProperties::checkHeader);
    }

    AddressRanges allowedSourceRanges() {
        return AddressRanges.parse(PREFIX + "allowed-sources", this.allowedSources);
    }

    AddressRanges trustedProxyRanges() {
        return AddressRanges.parse(PREFIX + "trusted-proxies", this.trustedProxies);
    }

    /** Names the headers but never prints their values. */
    @Override
    public String toString() {
        return "SecurityProperties[allowedSources=" + this.allowedSources + ", trustedProxies=" + this.trustedProxies
                + ", requiredHeaders=" + this.requiredHeaders.keySet() + "]";
    }

    private static Map<String, List<String>> copyOf(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        return Map.copyOf(copy);
    }

    private static void checkHeader(String name, List<String> values) {
        String key = PREFIX + "required-headers." + name;
        if (!name.chars().allMatch(SecurityProperties::isTokenChar) || name.isEmpty()) {
            throw new IllegalArgumentException(key + ": '" + name + "' is not a valid HTTP header name");
        }
        if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(
                    key + ": every accepted value must be non-empty (is the environment variable behind it set?)");
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
