package dev.incodehooks.security;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Why a request was rejected, as a short, fixed tag for the {@code reason} of the intake metrics, when the
 * status alone does not tell (an expired token and a forged one are both 401).
 */
public final class Rejections {

    private static final String ATTRIBUTE = Rejections.class.getName() + ".reason";

    private Rejections() {
    }

    /** Records the reason of a rejection; the last one recorded wins. */
    public static void reason(HttpServletRequest request, String reason) {
        request.setAttribute(ATTRIBUTE, reason);
    }

    /** The reason recorded for this request, if any. */
    public static @Nullable String reasonOf(HttpServletRequest request) {
        return (request.getAttribute(ATTRIBUTE) instanceof String reason) ? reason : null;
    }
}
