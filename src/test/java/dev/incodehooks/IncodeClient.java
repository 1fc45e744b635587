package dev.incodehooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;

/**
 * Plays Incode: POSTs webhooks to the service from 127.0.0.1 with the dashboard's static headers.
 */
public final class IncodeClient {

    private final HttpClient http = HttpClient.newHttpClient();

    private final int port;

    private final String[] headers;

    private IncodeClient(int port, String[] headers) {
        this.port = port;
        this.headers = headers;
    }

    /** @param headers header names and values, alternating */
    public static IncodeClient to(int port, String... headers) {
        return new IncodeClient(port, headers);
    }

    /** Sends one webhook of a type; returns the status of the answer. */
    public int send(String type, byte[] body) {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/incode/" + type))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(body));
        for (int i = 0; i < this.headers.length; i += 2) {
            request.header(this.headers[i], this.headers[i + 1]);
        }
        try {
            return this.http.send(request.build(), BodyHandlers.discarding()).statusCode();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public int onboarding(String interviewId, String status) {
        return send("onboarding-status", IncodePayloads.onboarding(interviewId, status));
    }
}
