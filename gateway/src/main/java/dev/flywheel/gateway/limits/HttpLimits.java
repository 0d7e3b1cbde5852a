package dev.flywheel.gateway.limits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP layer's own refusals as problem+json, before any body is read: a URI, headers or a declared body too large
 * get 414, 431 or 413 with {@code Connection: close}, so a keep-alive client knows to reconnect rather than lose its
 * next request. The HTTP server's hard limits sit above these (application.properties); what exceeds even those is
 * refused by the server itself with an empty body and the connection closed. A request URI that is not a URI (a '%'
 * without two hex digits) is answered 400 with an empty body by the platform before any route runs (docs/ports.md).
 */
@ApplicationScoped
public class HttpLimits {

    /** Longest request URI (path and query) answered normally. */
    static final int MAX_URI = 8 * 1024;
    /** Largest total of header names and values answered normally. */
    static final int MAX_HEADERS = 16 * 1024;
    /** Largest declared body; the API's own limits per endpoint are lower (RequestSizeFilter). */
    static final long MAX_BODY = 3L * 1024 * 1024;

    private final ObjectMapper json;

    public HttpLimits(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.uri().length() > MAX_URI) {
            refuse(context, ApiError.URI_TOO_LONG, "The request URI has " + request.uri().length()
                    + " characters; at most " + MAX_URI + " are accepted");
            return;
        }
        int headerBytes = 0;
        for (var header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADERS) {
            refuse(context, ApiError.HEADERS_TOO_LARGE, "The request headers take " + headerBytes
                    + " bytes; at most " + MAX_HEADERS + " are accepted");
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredLength(length) > MAX_BODY) {
            refuse(context, ApiError.PAYLOAD_TOO_LARGE, "The body declares " + length + " bytes; at most "
                    + MAX_BODY + " are accepted");
            return;
        }
        context.next();
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0; // the server itself refuses a malformed length
        }
    }

    private void refuse(RoutingContext context, ApiError error, String detail) {
        String path = context.request().path();
        String body;
        try {
            body = json.writeValueAsString(new Problem(error.type(), error.title(), error.status(), detail,
                    path == null || path.length() > 256 ? null : path, null));
        } catch (JsonProcessingException e) {
            body = "";
        }
        var response = context.response().setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (context.request().version() == HttpVersion.HTTP_2) {
            response.end(body); // HTTP/2 has no Connection header; the stream ends, the connection serves on
            return;
        }
        response.putHeader(HttpHeaders.CONNECTION, "close")
                .end(body).onComplete(done -> context.request().connection().close());
    }
}
