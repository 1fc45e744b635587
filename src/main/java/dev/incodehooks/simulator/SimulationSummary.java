package dev.incodehooks.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a run came to, counted as Incode would.
 * @param sent notifications sent (each at least once)
 * @param succeededFirstTime succeeded on the first try
 * @param retried needed at least one retry
 * @param succeededAfterRetries succeeded on a retry
 * @param givenUp failed on the first try and all 5 retries
 * @param tries every try, first tries and retries
 * @param answers tries by answer: {@code 200}, {@code 204}, {@code 503}, {@code 200 text/html},
 * {@code timeout}, {@code refused}, {@code connection closed}, ...
 * @param elapsed from the first try to the end of the last
 */
public record SimulationSummary(int sent, int succeededFirstTime, int retried, int succeededAfterRetries, int givenUp,
        int tries, Map<String, Integer> answers, Duration elapsed) {

    public SimulationSummary {
        answers = Map.copyOf(answers);
    }

    /** Succeeded, first time or after retries. */
    public int succeeded() {
        return this.succeededFirstTime + this.succeededAfterRetries;
    }

    /** For a terminal. */
    public String text() {
        return String.format(Locale.ROOT, """
                %d notifications in %.1f s
                  succeeded first time     %d
                  retried                  %d
                  succeeded after retries  %d
                  given up                 %d
                  tries                    %d (%s)
                """, this.sent, seconds(), this.succeededFirstTime, this.retried, this.succeededAfterRetries,
                this.givenUp, this.tries, this.answers.entrySet()
                    .stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map((answer) -> answer.getKey() + ": " + answer.getValue())
                    .collect(Collectors.joining(", ")));
    }

    /** For a script: one JSON object. */
    public String json() {
        return String.format(Locale.ROOT,
                "{\"sent\":%d,\"succeededFirstTime\":%d,\"retried\":%d,\"succeededAfterRetries\":%d,\"givenUp\":%d,"
                        + "\"tries\":%d,\"answers\":{%s},\"seconds\":%.3f}",
                this.sent, this.succeededFirstTime, this.retried, this.succeededAfterRetries, this.givenUp, this.tries,
                this.answers.entrySet()
                    .stream()
                    .sorted(Map.Entry.comparingByKey())
                    // Answers are status codes, media types (see IncodeSimulator.answer) and our own words: no escaping.
                    .map((answer) -> "\"" + answer.getKey() + "\":" + answer.getValue())
                    .collect(Collectors.joining(",")),
                seconds());
    }

    private double seconds() {
        return this.elapsed.toMillis() / 1000.0;
    }
}
