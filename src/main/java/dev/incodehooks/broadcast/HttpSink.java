package dev.incodehooks.broadcast;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import dev.incodehooks.event.WebhookEvent;

/**
 * POSTs the original body to an internal endpoint with the event's metadata as headers; any 2xx is
 * delivered, anything else (or no answer within the timeout) fails the attempt. Each sink has its own
 * client and connections, so a slow endpoint never holds up another.
 */
class HttpSink implements EventSink {

    private final RestClient client;

    private final URI url;

    HttpSink(URI url, Map<String, String> headers, Duration timeout) {
        HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(http);
        requestFactory.setReadTimeout(timeout);
        this.client = RestClient.builder()
            .requestFactory(requestFactory)
            .defaultHeaders((defaults) -> headers.forEach(defaults::set))
            .build();
        this.url = url;
    }

    @Override
    public void deliver(WebhookEvent event, int attempt) {
        this.client.post()
            .uri(this.url)
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-Webhook-Id", event.id().toString())
            .header("X-Webhook-Type", event.type())
            .header("X-Webhook-Attempt", Integer.toString(attempt))
            .header("X-Webhook-Received-At", event.receivedAt().toString())
            .body(event.body())
            .retrieve()
            .onStatus((status) -> !status.is2xxSuccessful(), (request, response) -> {
                throw new DeliveryFailedException("HTTP " + response.getStatusCode().value());
            })
            .toBodilessEntity();
    }
}
