package dev.incodehooks.simulator;

/**
 * One webhook as Incode sends it: tried until it succeeds or the retries run out.
 * @param type the webhook type, the last segment of the receiver's path ({@code onboarding-status})
 * @param interviewId the onboarding session it is about
 * @param body the JSON body
 */
public record Notification(String type, String interviewId, String body) {
}
