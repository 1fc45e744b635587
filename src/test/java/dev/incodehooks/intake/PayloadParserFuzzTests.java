package dev.incodehooks.intake;

import java.util.List;
import java.util.Objects;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

import dev.incodehooks.event.WebhookType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes through {@link PayloadParser}. The Surefire execution {@code fuzz-payload-parser} replays the
 * inputs under {@code PayloadParserFuzzTestsInputs/}, then fuzzes for a bounded time.
 */
class PayloadParserFuzzTests {

    private static final List<WebhookType> TYPES = List.of(WebhookType.ONBOARDING_STATUS, WebhookType.INE_SCRAPING);

    private static final int MAX_ID_LENGTH = 256;

    private final PayloadParser parser = new PayloadParser();

    /** A second, independent reading of an accepted body: a whole tree, as a consumer would read it. */
    private final JsonMapper reference = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();

    @DictionaryEntries({ "\"interviewId\"", "\"InterviewId\"", "\"onboardingStatus\"", "\"ScrapingStatus\"",
            "\"interviewId\":\"", "\\u0000", "\\u001f", "\\ud800", "\\\"", "[[[[[[[[", "{\"a\":", "null", "true",
            "1e999", "-0.0" })
    @FuzzTest(maxDuration = "10s")
    void returnsAUsableIdOrRejectsWith400(byte[] body) {
        for (WebhookType type : TYPES) {
            PayloadParser.Fields fields;
            try {
                fields = this.parser.parse(body, type);
            }
            catch (WebhookRejectedException ex) {
                // Any other exception escapes and is a finding: it would be a 500 for a bad body.
                assertThat(ex.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                continue;
            }
            assertUsableId(fields.interviewId());
            assertAgreesWithTreeReading(body, type, fields);
        }
    }

    /** What the store and every consumer rely on for the key of an event. */
    private static void assertUsableId(String id) {
        assertThat(id).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_ID_LENGTH).isEqualTo(id.strip());
        assertThat(id.chars()).noneMatch(Character::isISOControl);
    }

    /** An accepted body is one JSON object, and the fields routing uses are the ones it holds. */
    private void assertAgreesWithTreeReading(byte[] body, WebhookType type, PayloadParser.Fields fields) {
        JsonNode tree = this.reference.readTree(body);
        assertThat(tree.isObject()).isTrue();
        String id = type.idFields().stream().map(tree::get).filter(Objects::nonNull).findFirst()
            .map(JsonNode::stringValue)
            .map(String::strip)
            .orElse(null);
        assertThat(fields.interviewId()).isEqualTo(id);
        JsonNode status = (type.statusField() != null) ? tree.get(type.statusField()) : null;
        assertThat(fields.status()).isEqualTo((status != null && status.isString()) ? status.stringValue() : null);
    }
}
