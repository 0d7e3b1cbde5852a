package dev.flywheel.sdk;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;

/** An environment's flags as last synced: the flagd document and its compiled form. */
record FlagSnapshot(String document, FlagDocument parsed, FlagSet flags) {

    /**
     * @throws FlagDocumentException
     *             when the document is not a valid flagd document
     */
    static FlagSnapshot parse(String document) throws FlagDocumentException {
        FlagDocument parsed = FlagDocument.parse(document);
        return new FlagSnapshot(document, parsed, FlagSet.compile(parsed));
    }

    /** The flags that differ between two snapshots (every flag when shared evaluators or metadata changed). */
    static Set<String> changed(FlagSnapshot before, FlagSnapshot after) {
        Set<String> changed = new LinkedHashSet<>();
        boolean shared = before == null || !before.parsed.evaluators().equals(after.parsed.evaluators())
                || !before.parsed.metadata().equals(after.parsed.metadata());
        Map<String, Map<String, Object>> old = before == null ? Map.of() : before.parsed.flags();
        after.parsed.flags().forEach((key, definition) -> {
            if (shared || !Objects.equals(old.get(key), definition)) {
                changed.add(key);
            }
        });
        old.keySet().stream().filter(key -> !after.parsed.flags().containsKey(key)).forEach(changed::add);
        return changed;
    }
}
