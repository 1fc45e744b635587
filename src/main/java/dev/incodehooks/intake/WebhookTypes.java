package dev.incodehooks.intake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.incodehooks.event.WebhookType;

/**
 * The webhook types served: the two built in and every one declared under {@code webhooks.types}.
 */
final class WebhookTypes {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?");

    private final Map<String, WebhookType> types;

    WebhookTypes(IntakeProperties properties) {
        Map<String, WebhookType> all = new LinkedHashMap<>();
        all.put(WebhookType.ONBOARDING_STATUS.name(), WebhookType.ONBOARDING_STATUS);
        all.put(WebhookType.INE_SCRAPING.name(), WebhookType.INE_SCRAPING);
        properties.types().forEach((name, declared) -> {
            String key = "webhooks.types." + name;
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        key + ": a type name is lowercase letters, digits and dashes (it is a URL path segment)");
            }
            if (all.containsKey(name)) {
                throw new IllegalArgumentException(key + ": '" + name + "' is built in and cannot be redeclared");
            }
            all.put(name, new WebhookType(name, List.of(declared.idField()), declared.statusField(), false));
        });
        this.types = Map.copyOf(all);
    }

    /** Every type's name. */
    Set<String> names() {
        return this.types.keySet();
    }

    Optional<WebhookType> find(String name) {
        return Optional.ofNullable(this.types.get(name));
    }
}
