package dev.flywheel.metrics.store;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Adds a batch's events to the daily rollups. Rows are summed per key in memory first (one upsert may not touch a
 * row twice) and written in key order, so concurrent batches lock rows in the same order and never deadlock.
 */
public final class RollupWriter {

    private RollupWriter() {
    }

    private record NameDay(String project, String environment, String name, LocalDate day) {
        static final Comparator<NameDay> ORDER = Comparator.comparing(NameDay::project)
                .thenComparing(NameDay::environment).thenComparing(NameDay::name).thenComparing(NameDay::day);
    }

    private record Activity(String project, String environment, LocalDate day, String name, String distinctId) {
        static final Comparator<Activity> ORDER = Comparator.comparing(Activity::project)
                .thenComparing(Activity::environment).thenComparing(Activity::day).thenComparing(Activity::name)
                .thenComparing(Activity::distinctId);
    }

    private record Person(String project, String environment, String distinctId) {
        static final Comparator<Person> ORDER = Comparator.comparing(Person::project)
                .thenComparing(Person::environment).thenComparing(Person::distinctId);
    }

    private static final class ActivityCount {
        long events;
        boolean active;
    }

    /**
     * Recomputes a project's day-bucketed rollups from its raw events in a new time zone (first-seen holds instants
     * and stays). The caller holds the project's analytics lock, so no batch writes meanwhile.
     */
    public static Uni<Void> rebuild(SqlConnection connection, String projectId, String zone) {
        Tuple project = Tuple.of(projectId);
        Tuple projectAndZone = Tuple.of(projectId, zone);
        return connection.preparedQuery("DELETE FROM event_count_daily WHERE project_id = $1").execute(project)
                .chain(() -> connection.preparedQuery("DELETE FROM activity_daily WHERE project_id = $1")
                        .execute(project))
                .chain(() -> connection.preparedQuery("DELETE FROM daily_active WHERE project_id = $1")
                        .execute(project))
                .chain(() -> connection.preparedQuery("""
                        INSERT INTO event_count_daily (project_id, environment, day, name, events)
                        SELECT project_id, environment, (ts AT TIME ZONE $2)::date, name, count(*)
                        FROM event WHERE project_id = $1 GROUP BY 1, 2, 3, 4""").execute(projectAndZone))
                .chain(() -> connection.preparedQuery("INSERT INTO activity_daily (project_id, environment, day,"
                        + " name, distinct_id, events, active) SELECT e.project_id, e.environment,"
                        + " (e.ts AT TIME ZONE $2)::date, e.name, e.distinct_id, count(*), bool_or("
                        + EventSql.ACTIVITY + ") FROM event e WHERE e.project_id = $1 GROUP BY 1, 2, 3, 4, 5")
                        .execute(projectAndZone))
                .chain(() -> connection.preparedQuery("INSERT INTO daily_active (project_id, environment, day,"
                        + " distinct_id) SELECT DISTINCT e.project_id, e.environment, (e.ts AT TIME ZONE $2)::date,"
                        + " e.distinct_id FROM event e WHERE e.project_id = $1 AND " + EventSql.ACTIVITY)
                        .execute(projectAndZone))
                .replaceWithVoid();
    }

    static Uni<Void> write(SqlConnection connection, List<StoredEvent> events, Map<String, ZoneId> zones) {
        Map<NameDay, long[]> counts = new TreeMap<>(NameDay.ORDER);
        Map<Activity, ActivityCount> activity = new TreeMap<>(Activity.ORDER);
        Map<Person, StoredEvent> firstSeen = new TreeMap<>(Person.ORDER);
        Set<Activity> dailyActive = new TreeSet<>(Activity.ORDER);
        for (StoredEvent event : events) {
            LocalDate day = LocalDate.ofInstant(event.at(), zones.getOrDefault(event.projectId(), ZoneOffset.UTC));
            counts.computeIfAbsent(new NameDay(event.projectId(), event.environment(), event.name(), day),
                    k -> new long[1])[0]++;
            ActivityCount count = activity.computeIfAbsent(new Activity(event.projectId(), event.environment(), day,
                    event.name(), event.distinctId()), k -> new ActivityCount());
            count.events++;
            count.active |= event.isActivity();
            if (event.isActivity()) {
                dailyActive.add(new Activity(event.projectId(), event.environment(), day, "", event.distinctId()));
                firstSeen.merge(new Person(event.projectId(), event.environment(), event.distinctId()), event,
                        (a, b) -> a.precedes(b) ? a : b);
            }
        }
        return eventCounts(connection, counts)
                .chain(() -> activity(connection, activity))
                .chain(() -> dailyActive(connection, dailyActive))
                .chain(() -> firstSeen(connection, firstSeen));
    }

    private static Uni<Void> eventCounts(SqlConnection connection, Map<NameDay, long[]> counts) {
        int n = counts.size();
        String[] projects = new String[n];
        String[] environments = new String[n];
        String[] names = new String[n];
        LocalDate[] days = new LocalDate[n];
        Long[] events = new Long[n];
        int i = 0;
        for (Map.Entry<NameDay, long[]> entry : counts.entrySet()) {
            projects[i] = entry.getKey().project();
            environments[i] = entry.getKey().environment();
            names[i] = entry.getKey().name();
            days[i] = entry.getKey().day();
            events[i++] = entry.getValue()[0];
        }
        return connection.preparedQuery("""
                INSERT INTO event_count_daily (project_id, environment, name, day, events)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::bigint[])
                ON CONFLICT (project_id, environment, name, day)
                DO UPDATE SET events = event_count_daily.events + excluded.events""")
                .execute(Tuple.of(projects, environments, names, days, events))
                .replaceWithVoid();
    }

    private static Uni<Void> activity(SqlConnection connection, Map<Activity, ActivityCount> activity) {
        int n = activity.size();
        String[] projects = new String[n];
        String[] environments = new String[n];
        LocalDate[] days = new LocalDate[n];
        String[] names = new String[n];
        String[] distinctIds = new String[n];
        Long[] events = new Long[n];
        Boolean[] active = new Boolean[n];
        int i = 0;
        for (Map.Entry<Activity, ActivityCount> entry : activity.entrySet()) {
            Activity key = entry.getKey();
            projects[i] = key.project();
            environments[i] = key.environment();
            days[i] = key.day();
            names[i] = key.name();
            distinctIds[i] = key.distinctId();
            events[i] = entry.getValue().events;
            active[i++] = entry.getValue().active;
        }
        return connection.preparedQuery("""
                INSERT INTO activity_daily (project_id, environment, day, name, distinct_id, events, active)
                SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[], $5::text[], $6::bigint[],
                                     $7::boolean[])
                ON CONFLICT (project_id, environment, day, name, distinct_id)
                DO UPDATE SET events = activity_daily.events + excluded.events,
                              active = activity_daily.active OR excluded.active""")
                .execute(Tuple.from(new Object[]{projects, environments, days, names, distinctIds, events, active}))
                .replaceWithVoid();
    }

    private static Uni<Void> dailyActive(SqlConnection connection, Set<Activity> people) {
        if (people.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = people.size();
        String[] projects = new String[n];
        String[] environments = new String[n];
        LocalDate[] days = new LocalDate[n];
        String[] distinctIds = new String[n];
        int i = 0;
        for (Activity key : people) {
            projects[i] = key.project();
            environments[i] = key.environment();
            days[i] = key.day();
            distinctIds[i++] = key.distinctId();
        }
        return connection.preparedQuery("""
                INSERT INTO daily_active (project_id, environment, day, distinct_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[])
                ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(projects, environments, days, distinctIds))
                .replaceWithVoid();
    }

    private static Uni<Void> firstSeen(SqlConnection connection, Map<Person, StoredEvent> firstSeen) {
        if (firstSeen.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = firstSeen.size();
        String[] projects = new String[n];
        String[] environments = new String[n];
        String[] distinctIds = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] names = new String[n];
        String[] messages = new String[n];
        int i = 0;
        for (Map.Entry<Person, StoredEvent> entry : firstSeen.entrySet()) {
            projects[i] = entry.getKey().project();
            environments[i] = entry.getKey().environment();
            distinctIds[i] = entry.getKey().distinctId();
            times[i] = entry.getValue().atUtc();
            names[i] = entry.getValue().name();
            messages[i++] = entry.getValue().messageId();
        }
        return connection.preparedQuery("""
                INSERT INTO first_seen (project_id, environment, distinct_id, first_at, name, message_id)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
                ON CONFLICT (project_id, environment, distinct_id)
                DO UPDATE SET first_at = excluded.first_at, name = excluded.name, message_id = excluded.message_id
                WHERE (excluded.first_at, excluded.message_id) < (first_seen.first_at, first_seen.message_id)""")
                .execute(Tuple.from(new Object[]{projects, environments, distinctIds, times, names, messages}))
                .replaceWithVoid();
    }
}
