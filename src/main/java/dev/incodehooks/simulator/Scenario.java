package dev.incodehooks.simulator;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * What the simulated Incode sends for each interview, in the order Incode sends it. The notifications of all
 * interviews are interleaved: every interview's first, then every interview's second, and so on, so that
 * statuses of one interview are spread out as real sessions are.
 */
public enum Scenario {

    /** The onboarding-status webhook: a session's statuses as it goes through onboarding. */
    ONBOARDING,

    /** The legacy INE-scraping webhook: {@code IN_PROGRESS} then {@code FINISHED}, with its capitalised fields. */
    INE,

    /** Both: each interview's onboarding statuses, with its INE scraping after the ID validation. */
    MIXED;

    static final String ONBOARDING_STATUS = "onboarding-status";

    static final String INE_SCRAPING = "ine-scraping";

    /** The placeholder a custom body may hold: replaced by each interview's id. */
    public static final String INTERVIEW_ID = "{{interviewId}}";

    /** The notifications for that many interviews, interleaved; ids drawn from the random source. */
    public List<Notification> notifications(int interviews, Random random) {
        List<List<Notification>> sessions = new ArrayList<>();
        for (int i = 0; i < interviews; i++) {
            sessions.add(session(i, interviewId(random), interviewId(random), random));
        }
        return interleave(sessions);
    }

    /** One notification per interview, each with its own interview id in the body's {@value #INTERVIEW_ID}. */
    public static List<Notification> custom(String type, String body, int interviews, Random random) {
        List<Notification> notifications = new ArrayList<>();
        for (int i = 0; i < interviews; i++) {
            String id = interviewId(random);
            notifications.add(new Notification(type, id, body.replace(INTERVIEW_ID, id)));
        }
        return notifications;
    }

    private List<Notification> session(int index, String id, String flowId, Random random) {
        List<Notification> session = new ArrayList<>();
        String externalId = "crm-" + (1000 + index);
        for (String status : statuses(index, random)) {
            if (this != INE) {
                session.add(new Notification(ONBOARDING_STATUS, id, """
                        {"interviewId":"%s","onboardingStatus":"%s","clientId":"acme","flowId":"%s"}"""
                    .formatted(id, status, flowId)));
            }
            if (this != ONBOARDING && status.equals("ID_VALIDATION_FINISHED")) {
                for (String scraping : List.of("IN_PROGRESS", "FINISHED")) {
                    session.add(new Notification(INE_SCRAPING, id, """
                            {"InterviewId":"%s","externalId":"%s","ScrapingStatus":"%s"}"""
                        .formatted(id, externalId, scraping)));
                }
            }
        }
        return session;
    }

    /**
     * A session's statuses, from the values Incode documents: most finish; one in five goes to manual
     * review, approved or rejected; one in twenty expires after its ID validation.
     */
    private static List<String> statuses(int index, Random random) {
        if (index % 20 == 19) {
            return List.of("ID_VALIDATION_FINISHED", "EXPIRED");
        }
        List<String> statuses = new ArrayList<>(List.of("ID_VALIDATION_FINISHED", "POST_PROCESSING_FINISHED",
                "FACE_VALIDATION_FINISHED", "GOVERNMENT_VALIDATION_FINISHED", "ONBOARDING_FINISHED"));
        if (index % 5 == 4) {
            statuses.add(random.nextBoolean() ? "MANUAL_REVIEW_APPROVED" : "MANUAL_REVIEW_REJECTED");
        }
        return statuses;
    }

    private static List<Notification> interleave(List<List<Notification>> sessions) {
        List<Notification> all = new ArrayList<>();
        for (int step = 0; all.size() < sessions.stream().mapToInt(List::size).sum(); step++) {
            for (List<Notification> session : sessions) {
                if (step < session.size()) {
                    all.add(session.get(step));
                }
            }
        }
        return all;
    }

    /** An id shaped like Incode's: 24 hexadecimal digits. */
    private static String interviewId(Random random) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
