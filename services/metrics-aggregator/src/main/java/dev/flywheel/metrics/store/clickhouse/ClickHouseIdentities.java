package dev.flywheel.metrics.store.clickhouse;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The identities ClickHouse queries need, read from PostgreSQL with each query (a merge is visible at once): a
 * scope's identity links, as a map for merging people in the aggregator or as temporary tables with the person
 * traits for queries that join them in ClickHouse.
 */
final class ClickHouseIdentities {

    private final Pool pool;

    ClickHouseIdentities(Pool pool) {
        this.pool = pool;
    }

    /**
     * Who the rows of a per-key query are about. Without traits the rows are per distinct id: the scope's links,
     * read from PostgreSQL, give each its person, and tell which people have several ids (their rows are merged).
     * With traits the rows are per person already, and the temporary tables carry links and traits.
     */
    record People(List<ClickHouseHttp.ExternalTable> tables, Map<String, String> personOf,
            Set<String> shared) {

        String person(String who) {
            return personOf.getOrDefault(who, who);
        }

        boolean shared(String person) {
            return shared.contains(person);
        }
    }

    Uni<People> resolution(Scope scope, boolean traits) {
        if (traits) {
            return tables(scope, true, true).map(tables -> new People(tables, Map.of(), Set.of()));
        }
        return links(scope).map(links -> new People(List.of(), links, new HashSet<>(links.values())));
    }

    /** The scope's identity links: distinct id to person. */
    private Uni<Map<String, String>> links(Scope scope) {
        return pool.preparedQuery("SELECT distinct_id, person_id FROM identity_link WHERE project_id = $1"
                + " AND environment = $2").execute(Tuple.of(scope.projectId(), scope.environment())).map(rows -> {
                    Map<String, String> links = new HashMap<>(rows.size() * 2);
                    for (Row row : rows) {
                        links.put(row.getString(0), row.getString(1));
                    }
                    return links;
                });
    }

    static ClickHouseHttp.ExternalTable linksTable(Map<String, String> links) {
        Buffer tsv = Buffer.buffer();
        links.forEach((id, person) -> tsv.appendString(ClickHouseSql.tsv(id)).appendString("\t")
                .appendString(ClickHouseSql.tsv(person)).appendString("\n"));
        return new ClickHouseHttp.ExternalTable("links", "distinct_id String, person_id String", tsv);
    }

    /** Every id of a person with several (both sides of the links), as a one-column table. */
    static ClickHouseHttp.ExternalTable idsTable(String name, Map<String, String> links) {
        Set<String> ids = new HashSet<>(links.keySet());
        ids.addAll(links.values());
        Buffer tsv = Buffer.buffer();
        ids.forEach(id -> tsv.appendString(ClickHouseSql.tsv(id)).appendString("\n"));
        return new ClickHouseHttp.ExternalTable(name, "id String", tsv);
    }

    /** The identity links (and, when asked for, person traits) of the scope, as temporary tables. */
    Uni<List<ClickHouseHttp.ExternalTable>> tables(Scope scope, boolean links, boolean traits) {
        if (!links && !traits) {
            return Uni.createFrom().item(List.of());
        }
        Uni<ClickHouseHttp.ExternalTable> linked = links(scope).map(ClickHouseIdentities::linksTable);
        if (!traits) {
            return linked.map(List::of);
        }
        Uni<ClickHouseHttp.ExternalTable> personTraits = pool.preparedQuery("SELECT distinct_id, traits::text"
                + " FROM person_traits WHERE project_id = $1 AND environment = $2").execute(Tuple.of(
                        scope
                                .projectId(),
                        scope.environment()))
                .map(rows -> {
                    Buffer tsv = Buffer.buffer();
                    for (Row row : rows) {
                        ClickHouseSql.Flat flat = new ClickHouseSql.Flat();
                        ClickHouseSql.flatten("traits", new JsonObject(row.getString(1)).getMap(), flat);
                        tsv.appendString(ClickHouseSql.tsv(row.getString(0))).appendString("\t")
                                .appendString(ClickHouseSql.arrayLiteral(flat.keys())).appendString("\t")
                                .appendString(ClickHouseSql.arrayLiteral(flat.values())).appendString("\t")
                                .appendString(flat.kinds().toString().replace(" ", "")).appendString("\n");
                    }
                    return new ClickHouseHttp.ExternalTable("traits", "person String, t_keys Array(String),"
                            + " t_values Array(String), t_kinds Array(UInt8)", tsv);
                });
        return Uni.combine().all().unis(linked, personTraits).asTuple().map(both -> List.of(both.getItem1(), both
                .getItem2()));
    }
}
