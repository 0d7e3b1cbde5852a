package dev.flywheel.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import com.sun.net.httpserver.HttpExchange;

/** What the browser suites share: demo pages served from the test, scripts run in them, waiting for a condition. */
final class Pages {

    private Pages() {
    }

    /** Answers with a page or script, never cached, under the Content-Security-Policy given (or none). */
    static void send(HttpExchange exchange, String type, String body, String policy) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (policy != null) {
            exchange.getResponseHeaders().set("Content-Security-Policy", policy);
        }
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Runs a script in the page; a returned promise is awaited, a rejected one fails the test. */
    static Object script(WebDriver browser, String body, Object... args) {
        String wrapped = "var done = arguments[arguments.length - 1]; var args = [].slice.call(arguments, 0, -1);"
                + " Promise.resolve().then(function () { return (function () {" + body + "}).apply(null, args); })"
                + ".then(function (v) { done(v === undefined ? null : v); },"
                + " function (e) { done({error: String(e && e.stack || e)}); });";
        Object result = ((JavascriptExecutor) browser).executeAsyncScript(wrapped, args);
        if (result instanceof Map<?, ?> map && map.containsKey("error") && map.size() == 1) {
            throw new AssertionError("the page's script failed: " + map.get("error"));
        }
        return result;
    }

    /** The probe's first answer that is neither null nor false, polled every 200 ms until the timeout. */
    static <T> T await(Supplier<T> probe, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
