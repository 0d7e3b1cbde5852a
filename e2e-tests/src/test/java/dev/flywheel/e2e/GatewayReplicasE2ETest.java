package dev.flywheel.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway replicas, each remembering keys in-process and spending rate-limit tokens it leased: a revocation or a
 * project change made through one is honoured by the other within the bound of ADR 0008 (a second), and both
 * together admit a key's configured rate, within 10%.
 */
@ExtendWith(Platform.class)
class GatewayReplicasE2ETest {

    private static final Duration BOUND = Duration.ofSeconds(1);
    private static GatewayReplica second;
    private static String project;

    @BeforeAll
    static void startSecondReplica() throws Exception {
        assumeTrue(Platform.launchedLocally(), "a second replica is started beside a platform run by ./flywheel");
        second = GatewayReplica.start();
        project = Tenants.project("replicas");
    }

    @AfterAll
    static void stopSecondReplica() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aKeyRevokedThroughOneReplicaIsRefusedByTheOtherWithinASecond() throws Exception {
        Map<?, ?> created = Tenants.asOperator().body(Map.of("kind", "client", "environment", "production"))
                .when().post("/api/v1/projects/" + project + "/keys")
                .then().statusCode(201).extract().as(Map.class);
        String key = (String) created.get("key");
        // both replicas now remember the key
        for (int i = 0; i < 3; i++) {
            assertEquals(200, whoami(Platform.gatewayUrl(), key, null));
            assertEquals(200, whoami(second.url(), key, null));
        }
        Tenants.asOperator().when().delete("/api/v1/projects/" + project + "/keys/" + created.get("id"))
                .then().statusCode(204);
        Instant revoked = Instant.now();
        assertEquals(401, whoami(Platform.gatewayUrl(), key, null), "the revoking replica still honours the key");
        Duration took = until(() -> whoami(second.url(), key, null) == 401, revoked);
        System.out.println("the other replica refused the revoked key after " + took.toMillis() + " ms");
    }

    @Test
    void aProjectChangeMadeThroughOneReplicaIsAppliedByTheOtherWithinASecond() throws Exception {
        String changing = Tenants.project("replicas-origins");
        Tenants.asOperator().body(Map.of("corsOrigins", List.of("https://old.example.com")))
                .when().patch("/api/v1/projects/" + changing).then().statusCode(200);
        String key = Tenants.key(changing, "client", "production");
        assertEquals(200, whoami(second.url(), key, "https://old.example.com"));
        assertEquals(403, whoami(second.url(), key, "https://new.example.com"));
        Tenants.asOperator().body(Map.of("corsOrigins", List.of("https://new.example.com")))
                .when().patch("/api/v1/projects/" + changing).then().statusCode(200);
        Instant changed = Instant.now();
        Duration took = until(() -> whoami(second.url(), key, "https://new.example.com") == 200, changed);
        assertEquals(403, whoami(second.url(), key, "https://old.example.com"));
        System.out.println("the other replica applied the project's new origins after " + took.toMillis() + " ms");
    }

    @Test
    void twoReplicasTogetherAdmitTheKeysRateWithinTenPercent() throws Exception {
        String limited = Tenants.project("replicas-limit");
        // low enough that even a busy machine offers several times the limit
        int perSecond = 100;
        int burst = 10;
        Tenants.asOperator().body(Map.of("rateLimit", Map.of("perSecond", perSecond, "burst", burst)))
                .when().patch("/api/v1/projects/" + limited).then().statusCode(200);
        String key = Tenants.key(limited, "client", "production");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> gateways = List.of(Platform.gatewayUrl(), second.url());
        AtomicLong admitted = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        AtomicLong other = new AtomicLong();
        Duration window = Duration.ofSeconds(5);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        Instant start = Instant.now();
        Instant end = start.plus(window);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String gateway = gateways.get(i % 2);
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/api/v1/whoami"))
                    .header("Authorization", "Bearer " + key).build();
            running.add(senders.submit(() -> {
                while (Instant.now().isBefore(end)) {
                    int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    (status == 200 ? admitted : status == 429 ? throttled : other).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> sender : running) {
            sender.get();
        }
        senders.shutdown();
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double allowed = perSecond * seconds + burst;
        System.out.printf("two replicas admitted %d of %d requests in %.2f s; the limit allows %.0f%n",
                admitted.get(), admitted.get() + throttled.get() + other.get(), seconds, allowed);
        assertEquals(0, other.get(), "answers other than 200 and 429");
        assertTrue(admitted.get() + throttled.get() > 2 * allowed, "the load did not exceed the limit twice over");
        assertTrue(Math.abs(admitted.get() - allowed) <= 0.10 * allowed,
                "admitted " + admitted.get() + ", the limit allows " + allowed);
    }

    private static int whoami(String gateway, String key, String origin) {
        var request = given().baseUri(gateway).auth().oauth2(key);
        if (origin != null) {
            request = request.header("Origin", origin);
        }
        return request.when().get("/api/v1/whoami").statusCode();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static Duration until(Check check, Instant from) throws Exception {
        while (!check.holds()) {
            assertTrue(Duration.between(from, Instant.now()).compareTo(BOUND) <= 0,
                    "not seen within " + BOUND.toMillis() + " ms");
            Thread.sleep(5);
        }
        return Duration.between(from, Instant.now());
    }
}
