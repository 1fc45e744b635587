package dev.incodehooks.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

import dev.incodehooks.event.WebhookType;

/**
 * Checks a body strictly and reads the few fields routing needs, streaming, without building a tree:
 * one JSON object in UTF-8, no duplicate keys at any depth, at most {@value #MAX_DEPTH} levels deep, nothing
 * after it, and a string interview id. Every other field is kept as sent, unknown ones included.
 */
final class PayloadParser {

    static final int MAX_DEPTH = 32;

    private static final int MAX_ID_LENGTH = 256;

    private final JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();

    /** The fields of a payload that routing needs. */
    record Fields(String interviewId, @Nullable String status) {
    }

    Fields parse(byte[] body, WebhookType type) {
        requireUtf8(body);
        try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw WebhookRejectedException.badRequest("malformed-json", "The body is empty.");
            }
            if (first != JsonToken.START_OBJECT) {
                throw WebhookRejectedException.badRequest("not-an-object", "The body must be a JSON object.");
            }
            String[] ids = new String[type.idFields().size()];
            String status = null;
            String name;
            while ((name = parser.nextName()) != null) {
                JsonToken value = parser.nextToken();
                int idIndex = type.idFields().indexOf(name);
                if (idIndex >= 0) {
                    ids[idIndex] = interviewId(name, value, parser);
                }
                else if (name.equals(type.statusField()) && value == JsonToken.VALUE_STRING) {
                    status = status(name, parser.getString());
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw WebhookRejectedException.badRequest("malformed-json",
                        "The body must hold one JSON object and nothing after it.");
            }
            for (String id : ids) {
                if (id != null) {
                    return new Fields(id, status);
                }
            }
            throw WebhookRejectedException.badRequest("missing-interview-id",
                    "The body has no interview id (field " + String.join(" or ", type.idFields()) + ").");
        }
        catch (StreamConstraintsException ex) {
            // Jackson tells which limit only through its message; the detail never echoes the body.
            if (String.valueOf(ex.getOriginalMessage()).contains("nesting depth")) {
                throw WebhookRejectedException.badRequest("too-deep",
                        "The body is nested deeper than " + MAX_DEPTH + " levels.");
            }
            throw WebhookRejectedException.badRequest("malformed-json",
                    "The body holds a number, name or string longer than the parser takes.");
        }
        catch (JacksonException ex) {
            // Jackson reports duplicates only through its message; the detail never echoes the body.
            if (String.valueOf(ex.getOriginalMessage()).startsWith("Duplicate")) {
                throw WebhookRejectedException.badRequest("duplicate-key", "The body repeats a key in one object.");
            }
            throw WebhookRejectedException.badRequest("malformed-json", "The body is not well-formed JSON.");
        }
    }

    /**
     * Jackson checks only the strings it reads, so a skipped field could carry bytes that are not UTF-8 (an
     * encoded surrogate, say) to every consumer, which would then fail to read the body: the whole body is checked.
     */
    private static void requireUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
        }
        catch (CharacterCodingException ex) {
            throw WebhookRejectedException.badRequest("malformed-json", "The body is not valid UTF-8.");
        }
        // Valid UTF-8 all the same, but JSON in UTF-8 never holds a NUL byte, while JSON in UTF-16 or UTF-32 is
        // full of them, and Jackson would read it by its own guess of the encoding.
        for (byte b : body) {
            if (b == 0) {
                throw WebhookRejectedException.badRequest("malformed-json", "The body is not JSON in UTF-8.");
            }
        }
    }

    /**
     * Text the store keeps as text must be text: no control character (PostgreSQL's text refuses NUL) and no
     * unpaired surrogate (a driver writes it as '?', so two interviews could become one).
     */
    private static boolean storable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            }
            else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The status is stored as text: a control character (a NUL, which PostgreSQL's text refuses) would fail
     * the store's write, so it is refused here, with a status that says so.
     */
    private static String status(String name, String status) {
        if (status.length() > MAX_ID_LENGTH || !storable(status)) {
            throw WebhookRejectedException.badRequest("invalid-status", "Field " + name + " must be at most "
                    + MAX_ID_LENGTH + " characters, without control characters or unpaired surrogates.");
        }
        return status;
    }

    private static String interviewId(String name, JsonToken value, JsonParser parser) {
        String id = (value == JsonToken.VALUE_STRING) ? parser.getString().strip() : "";
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || !storable(id)) {
            throw WebhookRejectedException.badRequest("missing-interview-id", "Field " + name
                    + " must be a non-empty string of at most " + MAX_ID_LENGTH + " characters, without control"
                    + " characters or unpaired surrogates.");
        }
        return id;
    }
}
