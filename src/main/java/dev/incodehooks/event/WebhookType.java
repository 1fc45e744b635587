package dev.incodehooks.event;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A kind of Incode webhook this service takes, keyed by the last segment of its path.
 *
 * @param name path segment and type name, such as {@code onboarding-status}
 * @param idFields payload fields holding the interview id, tried in order
 * @param statusField payload field holding the status, if the type has one
 * @param legacySuccess whether Incode expects the legacy answer {@code {"success":"true"}}
 */
public record WebhookType(String name, List<String> idFields, @Nullable String statusField, boolean legacySuccess) {

    /** Incode's onboarding-status webhook. */
    public static final WebhookType ONBOARDING_STATUS = new WebhookType("onboarding-status", List.of("interviewId"),
            "onboardingStatus", false);

    /** Incode's deprecated INE-scraping webhook, with its capitalised field names. */
    public static final WebhookType INE_SCRAPING = new WebhookType("ine-scraping",
            List.of("InterviewId", "interviewId"), "ScrapingStatus", true);

    public WebhookType {
        Objects.requireNonNull(name, "name");
        idFields = List.copyOf(idFields);
        if (idFields.isEmpty()) {
            throw new IllegalArgumentException("A webhook type needs at least one id field");
        }
    }
}
