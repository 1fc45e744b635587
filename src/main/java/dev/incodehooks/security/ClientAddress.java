package dev.incodehooks.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The caller's address as resolved by {@link SourceAllowlistFilter}, for the features that record it.
 */
public final class ClientAddress {

    static final String ATTRIBUTE = ClientAddress.class.getName();

    private ClientAddress() {
    }

    /** The resolved client address of a request that passed the allowlist, else the TCP peer. */
    public static String of(HttpServletRequest request) {
        return (request.getAttribute(ATTRIBUTE) instanceof String address) ? address : request.getRemoteAddr();
    }
}
