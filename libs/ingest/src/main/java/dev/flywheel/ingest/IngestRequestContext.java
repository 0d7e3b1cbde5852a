package dev.flywheel.ingest;

import java.time.Instant;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.EventSource;

/**
 * What the server knows about a request, independent of its body.
 *
 * @param scope
 *            the authenticated project and environment
 * @param receivedAt
 *            server time of arrival
 * @param clientIp
 *            the caller's address, used for events with context.direct = true
 * @param userAgent
 *            the caller's User-Agent, the library's name when context.library is absent
 * @param source
 *            where the request entered
 * @param historical
 *            keep historical timestamps (imports)
 */
public record IngestRequestContext(Scope scope, Instant receivedAt, String clientIp, String userAgent,
        EventSource source, boolean historical) {
}
