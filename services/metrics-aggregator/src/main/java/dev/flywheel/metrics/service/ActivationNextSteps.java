package dev.flywheel.metrics.service;

import java.util.Locale;

import dev.flywheel.analytics.ActivationDiscovery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one-click follow-up of an activation finding, as definitions the experiments and surveys APIs accept as they
 * are: an experiment that nudges new people towards the action (only an experiment can tell whether the action
 * causes people to stay), and a survey that asks people whether they did it and, when not, what kept them.
 */
public final class ActivationNextSteps {

    private ActivationNextSteps() {
    }

    public record Definition(String key, String json) {
    }

    public static Definition experiment(ActivationDiscovery.Finding finding, int actionDays) {
        String key = "activation-" + slug(finding.action());
        JsonObject definition = new JsonObject()
                .put("name", shorten("Nudge new people to " + finding.action()))
                .put("hypothesis", shorten(String.format(Locale.ROOT, "New people who do %s at least %d times in"
                        + " their first %d days stay at %.1f%% against %.1f%%: helping more of them do it raises"
                        + " retention", finding.action(), finding.atLeast(), actionDays, 100 * finding.retention(),
                        100 * finding.othersRetention())))
                .put("variations", new JsonArray()
                        .add(new JsonObject().put("key", "control").put("name", "As today").put("value", false))
                        .add(new JsonObject().put("key", "nudge").put("name", shorten("Nudge towards " + finding
                                .action())).put("value", true)))
                .put("seed", key)
                .put("tags", new JsonArray().add("activation"));
        return new Definition(key, definition.encode());
    }

    public static Definition survey(ActivationDiscovery.Finding finding) {
        String key = "about-" + slug(finding.action());
        JsonObject definition = new JsonObject()
                .put("name", shorten("About " + finding.action()))
                .put("questions", new JsonArray()
                        .add(new JsonObject().put("id", "tried").put("type", "single_choice").put("text", shorten(
                                "Have you tried " + finding.action() + " yet?"))
                                .put("choices", new JsonArray().add("Yes").add("Not yet"))
                                .put("branches", new JsonArray().add(new JsonObject().put("anyOf", new JsonArray()
                                        .add("Yes")).put("next", "end"))))
                        .add(new JsonObject().put("id", "why").put("type", "open_text").put("text",
                                "What has kept you from it so far?").put("optional", true)))
                .put("targeting", new JsonObject().put("sampling", 0.2));
        return new Definition(key, definition.encode());
    }

    /** A key from an event name: lower-case letters and digits, runs of anything else as one dash. */
    static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "action" : slug;
    }

    /** Names and texts stay within the definitions' limits. */
    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 199) + "…";
    }
}
