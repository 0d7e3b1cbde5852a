package dev.flywheel.metrics.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;

import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.DashboardTile;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.service.tenancy.Environments;

/** Checks saved insights and dashboards as a whole, naming the field of each problem. */
public final class BoardDefinitions {

    public static final int MAX_NAME = 200;
    public static final int MAX_DESCRIPTION = 2_000;
    public static final int MAX_QUERY_BYTES = 32 * 1024;
    public static final int MAX_TILES = 24;
    private static final Pattern KIND = Pattern.compile("[a-z][a-z-]{0,39}");

    private BoardDefinitions() {
    }

    /** A saved insight as stored: its kind read from the question, the service's fields cleared. */
    public static SavedInsight validate(SavedInsight insight) {
        MetricDefinitions.key(insight.getKey());
        named(insight.getName(), insight.getDescription());
        if (!Environments.isName(insight.getEnvironment())) {
            throw RefusedRequest.invalid(Environments.NAME_RULE);
        }
        return insight.toBuilder().setKind(kind(insight.getQueryJson())).clearVersion().clearUpdatedBy()
                .clearUpdatedAt().build();
    }

    /** A dashboard as stored: at most {@link #MAX_TILES} tiles, each naming an insight, width 1 (default) or 2. */
    public static Dashboard validate(Dashboard dashboard) {
        MetricDefinitions.key(dashboard.getKey());
        named(dashboard.getName(), dashboard.getDescription());
        if (dashboard.getTilesCount() > MAX_TILES) {
            throw RefusedRequest.invalid("tiles: a dashboard has at most " + MAX_TILES);
        }
        Dashboard.Builder stored = dashboard.toBuilder().clearTiles().clearVersion().clearUpdatedBy()
                .clearUpdatedAt();
        for (int i = 0; i < dashboard.getTilesCount(); i++) {
            DashboardTile tile = dashboard.getTiles(i);
            try {
                MetricDefinitions.key(tile.getInsightKey());
            } catch (RefusedRequest e) {
                throw RefusedRequest.invalid("tiles[" + i + "].insightKey must name a saved insight");
            }
            if (tile.getWidth() < 0 || tile.getWidth() > 2) {
                throw RefusedRequest.invalid("tiles[" + i + "].width must be 1 or 2");
            }
            stored.addTiles(tile.toBuilder().setWidth(Math.max(1, tile.getWidth())));
        }
        return stored.build();
    }

    private static void named(String name, String description) {
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw RefusedRequest.invalid("name is required, at most " + MAX_NAME + " characters");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw RefusedRequest.invalid("description has at most " + MAX_DESCRIPTION + " characters");
        }
    }

    /** The question's kind: queryJson must be a JSON object with a "kind" such as "funnel". */
    private static String kind(String queryJson) {
        if (queryJson.getBytes(StandardCharsets.UTF_8).length > MAX_QUERY_BYTES) {
            throw RefusedRequest.invalid("queryJson has at most " + MAX_QUERY_BYTES + " bytes");
        }
        Struct.Builder query = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(queryJson, query);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw RefusedRequest.invalid("queryJson must be a JSON object: " + e.getMessage());
        }
        Value kind = query.getFieldsOrDefault("kind", Value.getDefaultInstance());
        if (kind.getKindCase() != Value.KindCase.STRING_VALUE || !KIND.matcher(kind.getStringValue()).matches()) {
            throw RefusedRequest.invalid("queryJson.kind must name the insight's kind, e.g. \"funnel\"");
        }
        return kind.getStringValue();
    }
}
