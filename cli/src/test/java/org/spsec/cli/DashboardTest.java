package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.cli.demo.GroupDemo;
import org.spsec.core.role.ParticipantConfig;

/** {@code --web} without a browser: its errors, the files it serves, and what the demo feeds it. */
class DashboardTest {
    @TempDir
    Path tmp;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aPortInUseIsOneLineAndExitOneBeforeAnyWork() throws Exception {
        Path keys = tmp.resolve("keys.txt");
        assertThat(CliRun.of("keys", "generate", keys.toString()).code).isZero();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String spec = "127.0.0.1:" + taken.getLocalPort();
            String expected = "spsec: --web " + spec + ": cannot listen on " + spec + ": address already in use" + System.lineSeparator();

            CliRun monitor = CliRun.of("monitor", "--keys", keys.toString(), "--bus", "mem", "--web", spec, "--duration", "5");
            assertThat(monitor.code).isEqualTo(1);
            assertThat(monitor.err).isEqualTo(expected);
            assertThat(monitor.out).as("nothing started").isEmpty();

            CliRun demo = CliRun.of("demo", "--web", spec);
            assertThat(demo.code).isEqualTo(1);
            assertThat(demo.err).isEqualTo(expected);
            assertThat(demo.out).as("the demo did not run").isEmpty();
        }
    }

    @Test
    void aMalformedAddressIsAUsageError() throws Exception {
        Path keys = tmp.resolve("keys.txt");
        assertThat(CliRun.of("keys", "generate", keys.toString()).code).isZero();
        for (String bad : List.of("70000", "web", "::1:80", ":8080", "127.0.0.1:-1")) {
            CliRun r = CliRun.of("monitor", "--keys", keys.toString(), "--bus", "mem", "--web", bad, "--duration", "5");
            assertThat(r.code).as(bad).isEqualTo(2);
            assertThat(r.err).as(bad).startsWith("spsec: --web: ").doesNotContain("\n" + "spsec").hasLineCount(1);
        }
        CliRun demo = CliRun.of("demo", "--web", "web");
        assertThat(demo.code).isEqualTo(2);
        assertThat(demo.err).startsWith("spsec: --web: expected [ADDR:]PORT");
    }

    @Test
    void theDemoFeedsCommissioningStatesAttacksAndSnapshots() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        WebFeed feed = WebFeed.open("127.0.0.1:0", "demo", "test bus", ParticipantConfig.heartbeatPeriodNanos(GroupDemo.HEARTBEAT_TIMING), 0);
        try (DemoWeb dashboard = new DemoWeb(feed)) {
            assertThat(feed.url()).matches("http://127\\.0\\.0\\.1:[0-9]+/");
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(5);
            GroupDemo.Outcome outcome = GroupDemo.run(3, 1, random, new PrintWriter(new StringWriter()), false, null, dashboard);
            assertThat(outcome.passed()).isTrue();

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(feed.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>SPsec dashboard</title>").contains("uplot/uPlot.iife.min.js").doesNotContain("https://");
            for (String file : List.of("dashboard.js", "dashboard.css", "uplot/uPlot.iife.min.js", "uplot/uPlot.min.css")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(feed.url() + file)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(file).isEqualTo(200);
                assertThat(r.body()).as(file).isNotEmpty();
            }
            assertThat(http.send(HttpRequest.newBuilder(URI.create(feed.url() + "nope")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(404);

            // The stream: a page connecting after the run gets its whole history.
            HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(feed.url() + "events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(events.statusCode()).isEqualTo(200);
            assertThat(events.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    events.body().forEach(lines::add);
                } catch (java.io.UncheckedIOException closed) {
                    // the server was closed: the stream ends
                }
            });
            assertThat(ChildProcess.await(() -> lines.stream().anyMatch(l -> l.contains("P3 goes silent")), 60_000)).as("%s", lines).isTrue();
            feed.close();
            reader.join(10_000);
        } finally {
            feed.close();
        }
        List<JsonNode> objects = lines.stream().filter(l -> l.startsWith("data: ")).map(l -> {
            try {
                return json.readTree(l.substring(6));
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(objects.get(0).get("type").asText()).isEqualTo("hello");
        assertThat(objects.get(0).get("source").asText()).isEqualTo("demo");
        assertThat(objects.get(0).get("heartbeat_timeout_ms").asLong()).isEqualTo(2500);
        assertThat(objects).anyMatch(o -> type(o, "sync") && o.get("participant").asInt() == 1 && o.get("certain").asBoolean());
        for (int p = 1; p <= 3; p++) {
            int id = p;
            assertThat(objects).as("P%d's commissioning", p).anyMatch(o -> type(o, "log") && o.get("phase").asText().equals("commissioning")
                    && o.get("participant").asInt() == id);
            assertThat(objects).as("P%d's session frames", p).anyMatch(o -> type(o, "frame") && o.get("kind").asText().equals("session")
                    && o.get("participant").asInt() == id);
        }
        assertThat(objects).anyMatch(o -> type(o, "summary") && o.get("participants").size() == 3
                && java.util.stream.StreamSupport.stream(o.get("participants").spliterator(), false)
                        .allMatch(p -> p.get("state").asText().equals("secure") && !p.get("last_heartbeat").isNull() && !p.get("offset_ms").isNull()));
        assertThat(objects).anyMatch(o -> type(o, "missing") && o.get("participant").asInt() == 3);
        assertThat(objects).anyMatch(o -> type(o, "security_event") && o.get("code").asText().equals("EF03"));
        assertThat(objects).anyMatch(o -> type(o, "frame") && o.get("verdict").asText().equals("auth-failed"));
        assertThat(objects.stream().filter(o -> type(o, "log") && o.get("phase").asText().equals("attack"))).hasSize(5);
        assertThat(objects).as("no data frames on the stream: they are in the snapshots")
                .noneMatch(o -> type(o, "frame") && o.get("kind").asText().equals("data") && o.get("verdict").asText().equals("ok"));
    }

    private static boolean type(JsonNode o, String type) {
        return o.get("type").asText().equals(type);
    }
}
