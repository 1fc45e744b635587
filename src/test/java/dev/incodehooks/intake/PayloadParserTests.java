package dev.incodehooks.intake;

import java.nio.charset.Charset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.incodehooks.event.WebhookType;

import static dev.incodehooks.IncodePayloads.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PayloadParserTests {

    private final PayloadParser parser = new PayloadParser();

    @Test
    void readsInterviewIdAndStatus() {
        PayloadParser.Fields fields = this.parser.parse(
                utf8("{\"interviewId\":\"abc\",\"onboardingStatus\":\"EXPIRED\",\"extra\":{\"a\":[1,2]}}"),
                WebhookType.ONBOARDING_STATUS);
        assertThat(fields).isEqualTo(new PayloadParser.Fields("abc", "EXPIRED"));
    }

    @Test
    void statusIsOptional() {
        assertThat(this.parser.parse(utf8("{\"interviewId\":\"abc\"}"), WebhookType.ONBOARDING_STATUS).status())
            .isNull();
    }

    @Test
    void readsIneCapitalisedFieldsFirst() {
        PayloadParser.Fields fields = this.parser.parse(
                utf8("{\"interviewId\":\"lower\",\"InterviewId\":\"upper\",\"ScrapingStatus\":\"FINISHED\"}"),
                WebhookType.INE_SCRAPING);
        assertThat(fields).isEqualTo(new PayloadParser.Fields("upper", "FINISHED"));
    }

    @Test
    void ignoresIdFieldsInNestedObjects() {
        assertRejected("{\"result\":{\"interviewId\":\"abc\"}}", "missing-interview-id");
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        String nested = "{\"a\":".repeat(PayloadParser.MAX_DEPTH - 1) + "1" + "}".repeat(PayloadParser.MAX_DEPTH - 1);
        String body = "{\"interviewId\":\"abc\",\"deep\":" + nested + "}";
        assertThat(this.parser.parse(utf8(body), WebhookType.ONBOARDING_STATUS).interviewId()).isEqualTo("abc");
    }

    @Test
    void rejectsNestingPastTheLimit() {
        String nested = "[".repeat(PayloadParser.MAX_DEPTH) + "]".repeat(PayloadParser.MAX_DEPTH);
        assertRejected("{\"interviewId\":\"abc\",\"deep\":" + nested + "}", "too-deep");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "{\"interviewId\":\"a\",\"interviewId\":\"b\"}|duplicate-key",
            "{\"interviewId\":\"a\",\"x\":{\"k\":1,\"k\":2}}|duplicate-key",
            "{\"interviewId\":\"a\",\"x\":[{\"k\":1,\"k\":2}]}|duplicate-key", "[]|not-an-object", "\"text\"|not-an-object",
            "42|not-an-object", "null|not-an-object", "''|malformed-json", "{|malformed-json",
            "{\"interviewId\":\"a\"} {}|malformed-json", "{\"interviewId\":\"a\"}x|malformed-json",
            "{'interviewId':'a'}|malformed-json", "{\"interviewId\":\"a\",}|malformed-json", "{}|missing-interview-id",
            "{\"interviewId\":42}|missing-interview-id", "{\"interviewId\":null}|missing-interview-id",
            "{\"interviewId\":\"  \"}|missing-interview-id", "{\"interviewId\":{\"id\":\"a\"}}|missing-interview-id",
            "{\"InterviewId\":\"a\"}|missing-interview-id" })
    void rejectsBadBodies(String body, String reason) {
        assertRejected(body, reason);
    }

    @Test
    void rejectsAStatusWithAControlCharacterOrTooLong() {
        assertRejected("{\"interviewId\":\"a\",\"onboardingStatus\":\"ONBOARDING\\u0000FINISHED\"}", "invalid-status");
        assertRejected("{\"interviewId\":\"a\",\"onboardingStatus\":\"A\\u001fB\"}", "invalid-status");
        assertRejected("{\"interviewId\":\"a\",\"onboardingStatus\":\"" + "A".repeat(257) + "\"}", "invalid-status");
    }

    @Test
    void rejectsUnpairedSurrogatesInTheTextItStoresButKeepsPairs() {
        assertRejected("{\"interviewId\":\"\\ud800\"}", "missing-interview-id");
        assertRejected("{\"interviewId\":\"a\\udc00b\"}", "missing-interview-id");
        assertRejected("{\"interviewId\":\"a\",\"onboardingStatus\":\"A\\udc00B\"}", "invalid-status");
        assertRejected("{\"interviewId\":\"a\",\"onboardingStatus\":\"AB\\ud800\"}", "invalid-status");
        assertThat(this.parser.parse(utf8("{\"interviewId\":\"a\\ud83d\\ude00\",\"onboardingStatus\":\"\u00e9\"}"),
                WebhookType.ONBOARDING_STATUS)).isEqualTo(new PayloadParser.Fields("a\ud83d\ude00", "\u00e9"));
    }

    /** UTF-16 and UTF-32 bodies are made of ASCII bytes and NULs, valid UTF-8 on their own: Jackson would read them. */
    @ParameterizedTest
    @ValueSource(strings = { "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE" })
    void rejectsJsonThatIsNotInUtf8(String charset) {
        byte[] body = "{\"interviewId\":\"a\",\"onboardingStatus\":\"ONBOARDING_FINISHED\"}".getBytes(Charset.forName(charset));
        assertThatExceptionOfType(WebhookRejectedException.class)
            .isThrownBy(() -> this.parser.parse(body, WebhookType.ONBOARDING_STATUS))
            .satisfies((ex) -> assertThat(ex.reason()).isEqualTo("malformed-json"));
    }

    @Test
    void tellsAnOverlongNumberFromTooDeepANesting() {
        assertRejected("{\"interviewId\":\"a\",\"n\":" + "1".repeat(1001) + "}", "malformed-json");
    }

    @Test
    void rejectsOverlongId() {
        assertRejected("{\"interviewId\":\"" + "a".repeat(257) + "\"}", "missing-interview-id");
    }

    private void assertRejected(String body, String reason) {
        assertThatExceptionOfType(WebhookRejectedException.class)
            .isThrownBy(() -> this.parser.parse(utf8(body), WebhookType.ONBOARDING_STATUS))
            .satisfies((ex) -> assertThat(ex.reason()).isEqualTo(reason))
            .satisfies((ex) -> assertThat(ex.status().value()).isEqualTo(400));
    }
}
