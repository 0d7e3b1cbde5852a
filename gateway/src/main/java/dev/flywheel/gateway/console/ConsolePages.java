package dev.flywheel.gateway.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's pages: every path under /console that names no file is the single-page app's page (its router
 * draws the view), served never cached and under a Content-Security-Policy that allows only the gateway's own
 * scripts, styles and API; /console itself moves to /console/. Assets are served as static resources.
 */
@ApplicationScoped
public class ConsolePages {

    static final String PAGE = "/console/index.html";
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
            + " object-src 'none'";

    static final String PLAYER = "/console/player.html";
    /**
     * The session player's page, framed by the console: still only its own scripts, but a replayed page's styles
     * (inline ones too), images, fonts and media from anywhere, as the recorded page had them (ADR 0014).
     */
    static final String PLAYER_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'"
            + " http: https:; img-src 'self' data: blob: http: https:; font-src 'self' data: http: https:;"
            + " media-src 'self' data: blob: http: https:; connect-src 'self'; frame-src 'self';"
            + " frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";

    void install(@Observes Router router) {
        router.get("/console").handler(context -> context.response().setStatusCode(301)
                .putHeader(HttpHeaders.LOCATION, "/console/").end());
        router.getWithRegex("/console/.*").order(-100).handler(this::page);
    }

    private void page(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.equals(PLAYER)) {
            context.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .putHeader("Content-Security-Policy", PLAYER_POLICY)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "same-origin");
            context.next();
            return;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (!last.isEmpty() && last.contains(".") && !path.equals(PAGE)) {
            context.next(); // a file: the static handler serves it, or answers 404
            return;
        }
        context.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("Content-Security-Policy", POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin");
        if (path.equals(PAGE)) {
            context.next();
        } else {
            context.reroute(PAGE);
        }
    }
}
