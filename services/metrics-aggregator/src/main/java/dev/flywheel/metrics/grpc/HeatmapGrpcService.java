package dev.flywheel.metrics.grpc;

import java.time.Instant;
import java.util.List;

import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.HeatmapStore;
import dev.flywheel.metrics.store.HeatmapStore.Selection;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataRequest;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataResponse;
import dev.flywheel.proto.recordings.v1.ElementClicks;
import dev.flywheel.proto.recordings.v1.Heatmap;
import dev.flywheel.proto.recordings.v1.HeatmapCell;
import dev.flywheel.proto.recordings.v1.HeatmapKind;
import dev.flywheel.proto.recordings.v1.HeatmapRequest;
import dev.flywheel.proto.recordings.v1.HeatmapService;
import dev.flywheel.proto.recordings.v1.ScrollDepth;
import dev.flywheel.proto.recordings.v1.ScrollMap;
import dev.flywheel.recordings.Heatmaps;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import dev.flywheel.service.tenancy.Environments;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Heatmaps and scroll maps of a page (ADR 0012), and a person's erasure of their points. */
@GrpcService
public class HeatmapGrpcService implements HeatmapService {

    private static final int MAX_ELEMENTS = 50;
    private static final int SCROLL_STEP_PX = 100;
    private static final int SCROLL_STEPS = 200;

    private final CallerScope callers;
    private final HeatmapStore store;

    public HeatmapGrpcService(CallerScope callers, HeatmapStore store) {
        this.callers = callers;
        this.store = store;
    }

    @Override
    public Uni<Heatmap> getHeatmap(HeatmapRequest request) {
        return callers.reader(request.getEnvironment()).flatMap(scope -> {
            Selection selection = selection(request);
            int columns = request.getColumns() == 0 ? 64 : request.getColumns();
            int cellPx = request.getCellPx() == 0 ? 16 : request.getCellPx();
            if (!HeatmapStore.gridHasColumns(columns)) {
                throw RefusedRequest.invalid("columns: a divisor of 320 (such as 16, 32, 40, 64, 80, 160 or 320)");
            }
            if (!HeatmapStore.gridHasRowPx(cellPx) || cellPx > 1000) {
                throw RefusedRequest.invalid("cellPx: a multiple of 4, up to 1000");
            }
            short[] kinds = switch (request.getKind()) {
                case HEATMAP_KIND_UNSPECIFIED, HEATMAP_KIND_CLICK -> new short[]{1, 2};
                case HEATMAP_KIND_RAGE -> new short[]{2};
                case HEATMAP_KIND_MOVE -> new short[]{3};
                case HEATMAP_KIND_DEAD -> new short[]{4};
                default -> throw RefusedRequest.invalid("kind: click, rage, dead or move");
            };
            Uni<List<HeatmapStore.ElementCount>> elements = request.getKind() == HeatmapKind.HEATMAP_KIND_MOVE
                    ? Uni.createFrom().item(List.of())
                    : store.elements(scope, selection, MAX_ELEMENTS);
            // two rollups: read side by side, on two connections
            return Uni.combine().all().unis(store.cells(scope, selection, kinds, columns, cellPx), elements)
                    .asTuple().map(found -> {
                        Heatmap.Builder heatmap = Heatmap.newBuilder().setColumns(columns).setCellPx(cellPx);
                        found.getItem1().forEach(c -> heatmap.addCells(HeatmapCell.newBuilder().setColumn(c.column())
                                .setRow(c.row()).setCount(c.count())).setTotal(heatmap.getTotal() + c.count()));
                        found.getItem2().forEach(e -> heatmap.addElements(ElementClicks.newBuilder().setSelector(e
                                .selector()).setClicks(e.clicks()).setRageClicks(e.rageClicks()).setDeadClicks(e
                                        .deadClicks())));
                        return heatmap.build();
                    });
        }).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ScrollMap> getScrollMap(HeatmapRequest request) {
        return callers.reader(request.getEnvironment())
                .flatMap(scope -> store.depths(scope, selection(request), SCROLL_STEP_PX, SCROLL_STEPS))
                .map(depths -> {
                    ScrollMap.Builder map = ScrollMap.newBuilder().setStepPx(SCROLL_STEP_PX)
                            .setMedianPageHeight(depths.medianPageHeight());
                    long views = 0;
                    int deepest = 0;
                    for (int i = 0; i < depths.viewsByStep().length; i++) {
                        views += depths.viewsByStep()[i];
                        deepest = depths.viewsByStep()[i] > 0 ? i : deepest;
                    }
                    long[] used = java.util.Arrays.copyOf(depths.viewsByStep(), deepest + 1);
                    Heatmaps.scrollMap(used, SCROLL_STEP_PX).forEach(d -> map.addDepths(ScrollDepth.newBuilder()
                            .setDepthPx(d.depthPx()).setShare(d.share())));
                    return map.setViews(views).build();
                }).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<DeleteHeatmapDataResponse> deleteHeatmapData(DeleteHeatmapDataRequest request) {
        return callers.admin().flatMap(admin -> {
            if (!Environments.isName(request.getEnvironment())) {
                throw RefusedRequest.invalid(Environments.NAME_RULE);
            }
            if (request.getDistinctId().isEmpty()) {
                throw RefusedRequest.invalid("distinctId: whose heatmap data to erase");
            }
            return store.deleteOf(new Scope(admin.projectId(), request.getEnvironment()), request.getDistinctId());
        }).map(deleted -> DeleteHeatmapDataResponse.newBuilder().setPointsDeleted(deleted).build())
                .onFailure().transform(CallerScope::toStatus);
    }

    private static Selection selection(HeatmapRequest request) {
        if (request.getUrl().isEmpty() || request.getUrl().length() > 2_000) {
            throw RefusedRequest.invalid("url: the page's URL (or prefix, or pattern), 1 to 2000 characters");
        }
        if (request.getMinWidth() < 0 || request.getMaxWidth() < 0 || request.getMaxWidth() > 0 && request
                .getMaxWidth() < request.getMinWidth()) {
            throw RefusedRequest.invalid("minWidth, maxWidth: a band of viewport widths (maxWidth 0: no bound)");
        }
        Instant from = request.hasFrom() ? ProtoValues.instant(request.getFrom()) : null;
        Instant to = request.hasTo() ? ProtoValues.instant(request.getTo()) : null;
        return switch (request.getMatch()) {
            case URL_MATCH_UNSPECIFIED, URL_MATCH_EXACT -> {
                String page = Heatmaps.page(request.getUrl());
                if (page == null) {
                    throw RefusedRequest.invalid("url: an absolute http(s) URL");
                }
                yield new Selection(page, false, request.getMinWidth(), request.getMaxWidth(), from, to);
            }
            case URL_MATCH_PREFIX -> new Selection(Heatmaps.likePrefix(request.getUrl()), true, request
                    .getMinWidth(), request.getMaxWidth(), from, to);
            case URL_MATCH_PATTERN -> new Selection(Heatmaps.likePattern(request.getUrl()), true, request
                    .getMinWidth(), request.getMaxWidth(), from, to);
            default -> throw RefusedRequest.invalid("match: exact, prefix or pattern");
        };
    }
}
