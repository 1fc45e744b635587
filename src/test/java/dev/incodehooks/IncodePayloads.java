package dev.incodehooks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook bodies as Incode sends them (see shared/reference/incode-facts.md), each with a fresh
 * interview id.
 */
public final class IncodePayloads {

    /** Every onboarding status seen in Incode's documentation and samples. */
    public static final List<String> ONBOARDING_STATUSES = List.of("ID_VALIDATION_FINISHED",
            "ID_VALIDATION_FINISHED_SECOND_ID", "POST_PROCESSING_FINISHED", "FACE_VALIDATION_FINISHED",
            "GOVERNMENT_VALIDATION_FINISHED", "ONBOARDING_FINISHED", "MANUAL_REVIEW_APPROVED",
            "MANUAL_REVIEW_REJECTED", "EXPIRED");

    private static final AtomicLong sequence = new AtomicLong(System.nanoTime());

    private IncodePayloads() {
    }

    /** A fresh 24-hex-digit interview id, like Incode's. */
    public static String interviewId() {
        return String.format("64f1c0ffee%014x", sequence.incrementAndGet() & 0xFFFFFFFFFFFFFFL);
    }

    public static byte[] onboardingFinished() {
        return onboarding(interviewId(), "ONBOARDING_FINISHED");
    }

    public static byte[] onboarding(String interviewId, String status) {
        return utf8("{\"interviewId\":\"" + interviewId + "\",\"onboardingStatus\":\"" + status
                + "\",\"clientId\":\"acme\",\"flowId\":\"64f1c0ffee0123456789ffff\"}");
    }

    /** INE scraping, with the capitalised field names Incode documents. */
    public static byte[] ineScraping(String interviewId, String scrapingStatus) {
        return utf8("{\"InterviewId\":\"" + interviewId + "\",\"externalId\":\"crm-991\",\"ScrapingStatus\":\""
                + scrapingStatus + "\"}");
    }

    public static byte[] videoSelfie(String interviewId) {
        return utf8("{\"clientId\":\"acme\",\"flowId\":\"64f1c0ffee0123456789ffff\",\"interviewId\":\"" + interviewId
                + "\"}");
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
