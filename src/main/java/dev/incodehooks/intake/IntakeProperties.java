package dev.incodehooks.intake;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the webhook URL answers and what it takes ({@code webhooks.*}).
 *
 * @param response {@code json} answers {@code 200 {"success":true}}; {@code no-content} answers {@code 204}
 * @param maxBodySize largest body accepted, whether or not a {@code Content-Length} is sent
 * @param types extra Incode webhook types, served at {@code /webhooks/incode/<name>}
 */
@Validated
@ConfigurationProperties("webhooks")
public record IntakeProperties(@DefaultValue("json") @NotNull ResponseMode response,
        @DefaultValue("256KB") @NotNull DataSize maxBodySize, @DefaultValue Map<String, @Valid TypeProperties> types) {

    /** Largest body size that can be configured: Incode's payloads are a few kilobytes. */
    static final DataSize MAX_BODY_SIZE_LIMIT = DataSize.ofMegabytes(16);

    public IntakeProperties {
        if (maxBodySize.toBytes() < 1 || maxBodySize.compareTo(MAX_BODY_SIZE_LIMIT) > 0) {
            throw new IllegalArgumentException("webhooks.max-body-size must be between 1B and 16MB");
        }
        types = Map.copyOf(types);
    }

    /** The success answer. */
    public enum ResponseMode {

        /** {@code 200} with {@code application/json}. */
        JSON,

        /** {@code 204 No Content}. */
        NO_CONTENT

    }

    /**
     * One extra webhook type.
     * @param idField payload field holding the interview id
     * @param statusField payload field holding a status, if any
     */
    public record TypeProperties(@NotBlank String idField, @Nullable String statusField) {
    }
}
