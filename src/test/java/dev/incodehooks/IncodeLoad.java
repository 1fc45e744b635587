package dev.incodehooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Several clients playing Incode at once, each retrying what was not acknowledged (as Incode does) and,
 * like a load balancer, moving to the next replica when one does not answer. Bounded in count and time;
 * traffic goes to 127.0.0.1 only.
 */
public final class IncodeLoad {

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    private final List<Thread> clients = new ArrayList<>();

    /**
     * Starts sending {@code events} onboarding webhooks with distinct interview ids.
     * @param ports the service ports each client tries, in order of preference
     */
    public static IncodeLoad start(int events, int clients, IntFunction<List<Integer>> ports, Duration bound) {
        IncodeLoad load = new IncodeLoad();
        long deadline = System.nanoTime() + bound.toNanos();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> load.send(client, clients, events, ports.apply(client), deadline));
            thread.start();
            load.clients.add(thread);
        }
        return load;
    }

    /** Interview ids whose webhook got a {@code 200}. */
    public Set<String> acknowledged() {
        return this.acknowledged;
    }

    public void await(Duration bound) throws InterruptedException {
        for (Thread client : this.clients) {
            client.join(bound.toMillis());
        }
    }

    /** The interview id in an onboarding body. */
    public static String interviewId(String body) {
        int start = body.indexOf("\"interviewId\":\"") + "\"interviewId\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    private void send(int client, int clients, int events, List<Integer> ports, long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int target = 0;
        for (int i = client; i < events; i += clients) {
            String interviewId = String.format("load%020d", i);
            byte[] body = IncodePayloads.onboarding(interviewId, "ONBOARDING_FINISHED");
            while (System.nanoTime() < deadline) {
                HttpRequest request = HttpRequest
                    .newBuilder(URI.create(
                            "http://127.0.0.1:" + ports.get(target) + "/webhooks/incode/onboarding-status"))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(BodyPublishers.ofByteArray(body))
                    .build();
                try {
                    if (http.send(request, BodyHandlers.discarding()).statusCode() == 200) {
                        this.acknowledged.add(interviewId);
                        break;
                    }
                }
                catch (IOException ex) {
                    target = (target + 1) % ports.size();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    Thread.sleep(50);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
