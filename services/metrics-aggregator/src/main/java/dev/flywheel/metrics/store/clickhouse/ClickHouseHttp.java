package dev.flywheel.metrics.store.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.flywheel.metrics.config.AggregatorConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * ClickHouse's HTTP interface, which every version from 18.16 on speaks alike: statements as POST bodies, inserts as
 * TabSeparated rows, answers as TabSeparated rows streamed with back-pressure, and temporary tables sent along with a
 * query
 * ("external data") for what PostgreSQL owns, such as identity links. Nothing here builds SQL from a caller's text:
 * see {@link ClickHouseSql#literal}.
 */
@ApplicationScoped
public class ClickHouseHttp {

    /** A temporary table sent with a query: its name, its columns ("a String, b UInt8") and its TSV rows. */
    public record ExternalTable(String name, String structure, Buffer rows) {
    }

    private final HttpClient client;
    private final URI server;
    private final AggregatorConfig.ClickHouse config;

    @Inject
    public ClickHouseHttp(Vertx vertx, AggregatorConfig config) {
        this(vertx, config.eventStore().clickhouse());
    }

    /** A client of another server or cluster than the configured one (tools, the cluster tests). */
    public ClickHouseHttp(Vertx vertx, AggregatorConfig.ClickHouse config) {
        this.config = config;
        this.server = URI.create(this.config.url());
        this.client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(true)
                .setMaxPoolSize(16).setConnectTimeout(5_000));
    }

    /**
     * Runs a statement that answers nothing (DDL, a copy between tables), with no time limit: these are the
     * store's own, not a caller's. {@code inDatabase} false for those that create it.
     */
    public Uni<Void> execute(String sql, boolean inDatabase) {
        return send(uri(null, inDatabase, false), Buffer.buffer(sql), null, false).chain(response -> response.body())
                .replaceWithVoid();
    }

    /** Inserts rows in a format ClickHouse reads (TabSeparated, JSONEachRow). */
    public Uni<Void> insert(String table, String format, Buffer rows) {
        // into a Distributed table: answered once every shard has its rows, not when they are queued
        String sync = config.cluster().isPresent() ? "&insert_distributed_sync=1" : "";
        return send(uri("INSERT INTO " + table + " FORMAT " + format, true, true) + sync, rows, null, true)
                .chain(response -> response.body()).replaceWithVoid();
    }

    /**
     * Runs a query and hands each TabSeparated row, its fields still escaped, to {@code row} on a worker thread, as
     * the answer streams in (a slow consumer pauses the server's stream, so memory holds little of a large answer).
     */
    public Uni<Void> select(String sql, List<ExternalTable> tables, Consumer<String[]> row) {
        return rows(sql, tables, received -> row.accept(received.raws()));
    }

    /** {@link #select}, with each row as it arrived, for answers whose fields are large arrays of numbers. */
    public Uni<Void> rows(String sql, List<ExternalTable> tables, Consumer<TsvRow> row) {
        String boundary = tables.isEmpty() ? null : "flywheel-" + UUID.randomUUID();
        String query = sql + " FORMAT TabSeparated";
        Uni<HttpClientResponse> response = boundary == null
                ? send(uri(null, true, true), Buffer.buffer(query), null, true)
                : send(uri(query, true, true) + structures(tables), multipart(boundary, tables), boundary, true);
        return response.chain(answer -> {
            Lines lines = new Lines(row);
            return answer.toMulti().emitOn(Infrastructure.getDefaultWorkerPool()).onItem().invoke(lines::add)
                    .collect().last().invoke(lines::finish).replaceWithVoid();
        });
    }

    private Uni<HttpClientResponse> send(String uri, Buffer body, String boundary, boolean bounded) {
        RequestOptions options = options(HttpMethod.POST, uri, bounded);
        if (boundary != null) {
            options.putHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
        }
        return client.request(options).chain(request -> request.send(body)).chain(response -> {
            if (response.statusCode() == 200) {
                return Uni.createFrom().item(response);
            }
            return response.body().map(error -> {
                ClickHouseException refused = new ClickHouseException(response.statusCode(), error.toString(
                        StandardCharsets.UTF_8));
                // the server busy, out of time or memory, or a replica away: worth a retry, not a bug of ours
                if (refused.transientState()) {
                    throw new UncheckedIOException(new IOException(refused.getMessage(), refused));
                }
                throw refused;
            });
        });
    }

    private RequestOptions options(HttpMethod method, String uri, boolean bounded) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(server.getHost())
                .setPort(server.getPort() > 0 ? server.getPort() : 8123).setURI(uri);
        return bounded ? options.setIdleTimeout(config.queryTimeout().plusSeconds(30).toMillis()) : options;
    }

    private String uri(String query, boolean inDatabase, boolean bounded) {
        StringBuilder uri = new StringBuilder("/?user=").append(encode(config.user()));
        config.password().ifPresent(password -> uri.append("&password=").append(encode(password)));
        if (inDatabase) {
            uri.append("&database=").append(encode(config.database()));
        }
        if (bounded) {
            uri.append("&max_execution_time=").append(Math.max(1, config.queryTimeout().toSeconds()));
        }
        if (query != null) {
            uri.append("&query=").append(encode(query));
        }
        return uri.toString();
    }

    private static String structures(List<ExternalTable> tables) {
        StringBuilder params = new StringBuilder();
        for (ExternalTable table : tables) {
            params.append('&').append(table.name()).append("_structure=").append(encode(table.structure()));
        }
        return params.toString();
    }

    private static Buffer multipart(String boundary, List<ExternalTable> tables) {
        Buffer body = Buffer.buffer();
        for (ExternalTable table : tables) {
            body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + table.name()
                    + "\"; filename=\"" + table.name() + ".tsv\"\r\nContent-Type: text/tab-separated-values\r\n\r\n");
            body.appendBuffer(table.rows()).appendString("\r\n");
        }
        return body.appendString("--" + boundary + "--\r\n");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Splits the streamed answer into rows at newlines (a row may span buffers). */
    private static final class Lines {
        private final Consumer<TsvRow> row;
        private byte[] partial = new byte[0];

        Lines(Consumer<TsvRow> row) {
            this.row = row;
        }

        void add(Buffer buffer) {
            byte[] bytes = buffer.getBytes();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    emit(bytes, start, i);
                    start = i + 1;
                }
            }
            byte[] rest = new byte[partial.length + bytes.length - start];
            System.arraycopy(partial, 0, rest, 0, partial.length);
            System.arraycopy(bytes, start, rest, partial.length, bytes.length - start);
            partial = rest;
        }

        private void emit(byte[] bytes, int start, int end) {
            if (partial.length > 0) {
                byte[] whole = new byte[partial.length + end - start];
                System.arraycopy(partial, 0, whole, 0, partial.length);
                System.arraycopy(bytes, start, whole, partial.length, end - start);
                partial = new byte[0];
                row.accept(new TsvRow(whole, 0, whole.length));
            } else {
                row.accept(new TsvRow(bytes, start, end));
            }
        }

        void finish() {
            if (partial.length > 0) {
                row.accept(new TsvRow(partial, 0, partial.length));
                partial = new byte[0];
            }
        }
    }
}
