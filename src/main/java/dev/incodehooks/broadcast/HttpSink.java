package dev.incodehooks.broadcast;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import dev.incodehooks.event.WebhookEvent;

/**
 * POSTs the original body to an internal endpoint with the event's metadata as headers; any 2xx is
 * delivered, anything else (a redirect included) fails the attempt, and so does no complete answer within
 * the timeout: the timeout is a total for the attempt (connection, request and answer), enforced by
 * aborting the exchange, not a limit per read that a consumer trickling bytes could stretch. Each sink has
 * its own client and connection pool, so a slow endpoint never holds up another. Apache HttpClient: on
 * two cores it costs a seventh of the CPU per request of the JDK's client.
 */
class HttpSink implements EventSink, AutoCloseable {

    private static final ContentType JSON = ContentType.create("application/json");

    private final CloseableHttpClient http;

    private final URI url;

    private final Map<String, String> headers;

    private final Duration timeout;

    private final ScheduledExecutorService deadlines;

    HttpSink(URI url, Map<String, String> headers, Duration timeout, int concurrency) {
        Timeout limit = Timeout.of(timeout);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(concurrency)
            .setMaxConnPerRoute(concurrency)
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(limit).setSocketTimeout(limit).build())
            .build();
        this.http = HttpClients.custom()
            .setConnectionManager(connections)
            .setDefaultRequestConfig(
                    RequestConfig.custom().setResponseTimeout(limit).setConnectionRequestTimeout(limit).build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .build();
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.deadlines = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "http-sink-deadlines");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void deliver(WebhookEvent event, int attempt) {
        HttpPost post = new HttpPost(this.url);
        this.headers.forEach(post::setHeader);
        post.setHeader("X-Webhook-Id", event.id().toString());
        post.setHeader("X-Webhook-Type", event.type());
        post.setHeader("X-Webhook-Attempt", Integer.toString(attempt));
        post.setHeader("X-Webhook-Received-At", event.receivedAt().toString());
        post.setEntity(new ByteArrayEntity(event.body(), JSON));
        ScheduledFuture<?> deadline = this.deadlines.schedule(post::cancel, this.timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        int status;
        try {
            status = this.http.execute(post, (response) -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        }
        catch (IOException | RuntimeException ex) {
            if (post.isCancelled()) {
                throw new DeliveryFailedException("Timed out after " + this.timeout.toMillis() + " ms");
            }
            throw new DeliveryFailedException(ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        finally {
            deadline.cancel(false);
        }
        if (status < 200 || status >= 300) {
            throw new DeliveryFailedException("HTTP " + status);
        }
    }

    @Override
    public void close() {
        this.deadlines.shutdownNow();
        // Immediately: at shutdown this aborts the exchanges still under way, so that they are released.
        this.http.close(CloseMode.IMMEDIATE);
    }
}
