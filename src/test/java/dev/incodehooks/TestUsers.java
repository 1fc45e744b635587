package dev.incodehooks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The management port's users in tests: a viewer and an operator (bcrypt with a low cost, so that logging in
 * is quick). Add {@link #VIEWER} and {@link #OPERATOR} to a test's properties, and send {@link #viewer()} or
 * {@link #operator()} as the {@code Authorization} header.
 */
public final class TestUsers {

    public static final String VIEWER_PASSWORD = "viewer-password";

    public static final String OPERATOR_PASSWORD = "operator-password";

    public static final String VIEWER = "webhooks.admin.users.viewer.password="
            + "{bcrypt}$2a$04$3vHD8wvLEvOo59K2ZsS6.e.tPau5.FDQCcnxOBTPj/hl4ZZTd4nJa";

    public static final String VIEWER_ROLE = "webhooks.admin.users.viewer.role=viewer";

    public static final String OPERATOR = "webhooks.admin.users.operator.password="
            + "{bcrypt}$2a$04$tlPD28zZmauN3B6uoH2JDuFhwdq/0bzuYAWUIWIfl36qZNBO7VimO";

    public static final String OPERATOR_ROLE = "webhooks.admin.users.operator.role=operator";

    private TestUsers() {
    }

    public static String viewer() {
        return basic("viewer", VIEWER_PASSWORD);
    }

    public static String operator() {
        return basic("operator", OPERATOR_PASSWORD);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
