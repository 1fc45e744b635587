package dev.incodehooks.intake;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * After a {@code 401}, {@code 403}, {@code 404}, {@code 405}, {@code 413} or {@code 415}, tells Tomcat not
 * to read what is left of the request body and to close the connection once the answer is sent. Without
 * it Tomcat would wait for that body (to keep the connection alive) for as long as its connection timeout:
 * a caller without the secret that announces megabytes and sends nothing would hold a worker thread,
 * and a few hundred of them every worker. Tomcat's own words for it: an aborted upload.
 */
class RejectedCallerValve extends ValveBase {

    /** Answers after which the connection is closed: the caller is not one we keep talking to. */
    static final Set<Integer> CLOSE_AFTER = Set.of(401, 403, 404, 405, 413, 415);

    RejectedCallerValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (CLOSE_AFTER.contains(response.getStatus()) && !request.isAsyncStarted()) {
            // The answer first, whole (a chunked one with its last chunk), then no more reading.
            response.finishResponse();
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            // Tomcat marks that as an error to report; the answer is complete: without this it would include the
            // error page into the closed response, and Spring MVC would log a warning for every scanner's probe.
            response.getCoyoteResponse().setErrorReported();
        }
    }
}
