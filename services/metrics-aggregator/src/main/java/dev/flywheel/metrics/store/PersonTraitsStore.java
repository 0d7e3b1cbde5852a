package dev.flywheel.metrics.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * People's latest traits (from identify calls), which stay in PostgreSQL whichever store holds the events.
 */
@ApplicationScoped
public class PersonTraitsStore {

    private final Pool pool;

    public PersonTraitsStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Per person, the text of each named trait they have (a dotted name reads a nested trait; strings unquoted,
     * other values in their JSON form; null and empty values left out).
     */
    public Uni<Map<String, Map<String, String>>> values(Scope scope, List<String> traits) {
        if (traits.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        StringBuilder columns = new StringBuilder();
        for (int i = 0; i < traits.size(); i++) {
            columns.append(", NULLIF(traits #>> $").append(i + 3).append(", '')");
        }
        Object[] params = new Object[traits.size() + 2];
        params[0] = scope.projectId();
        params[1] = scope.environment();
        for (int i = 0; i < traits.size(); i++) {
            params[i + 2] = traits.get(i).split("\\.");
        }
        return pool.preparedQuery("SELECT distinct_id" + columns + " FROM person_traits WHERE project_id = $1"
                + " AND environment = $2").execute(Tuple.from(params)).map(rows -> {
                    Map<String, Map<String, String>> values = new HashMap<>(rows.size() * 2);
                    for (Row row : rows) {
                        Map<String, String> person = new HashMap<>();
                        for (int i = 0; i < traits.size(); i++) {
                            String value = row.getString(i + 1);
                            if (value != null) {
                                person.put(traits.get(i), value);
                            }
                        }
                        if (!person.isEmpty()) {
                            values.put(row.getString(0), person);
                        }
                    }
                    return values;
                });
    }
}
