package io.conflux.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.model.ModelTemplate;
import io.conflux.rounds.Round;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start: a fresh JVM, on the function's own deployment jar (functions/X/target/lambda/function.jar),
 * with the JIT and GC flags of the Lambda Java runtime, from process start to the first handled event.
 * The API handler gets an authenticated GET /rounds/{id} (token check + DynamoDB read); the ingest
 * handler an SQS batch with the real S3 notification of a freshly uploaded update (S3 read, HPKE open,
 * signature, checks, DynamoDB transaction).
 */
final class ColdStartBench {
    /** The flags the Lambda Java runtime starts the JVM with (tiered compilation stops at C1). */
    static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    private static final Pattern PROBE = Pattern.compile("PROBE \\w+ jvm_to_main_ms=(\\d+) init_ms=([\\d.]+) first_invoke_ms=([\\d.]+) jvm_start_to_response_ms=(\\d+) (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    static void run(Path repo, int runs) throws Exception {
        try (BenchWorld world = new BenchWorld()) {
            Round round = world.openRound(ModelTemplate.standard());
            Path work = Files.createTempDirectory("conflux-coldstart");
            String queue = world.env.require("QUEUE_INGEST");
            System.out.println("Cold start, " + runs + " fresh JVMs per function, flags " + String.join(" ", LAMBDA_JVM_FLAGS)
                    + ", java " + Runtime.version());
            for (String fn : List.of("api", "ingest")) {
                List<double[]> results = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    Path event = work.resolve(fn + "-" + i + ".json");
                    if (fn.equals("api")) {
                        Files.writeString(event, JSON.writeValueAsString(apiEvent("/rounds/" + round.roundId(), world.login.token())));
                    } else {
                        var object = world.upload(round, world.sealedUpdate(round, 100 + i));
                        Files.writeString(event, JSON.writeValueAsString(sqsEvent(receiveNotification(world, queue, object.key()))));
                    }
                    results.add(probe(repo, fn, event, world.env.asMap(), fn.equals("api") ? "-Xmx800m" : "-Xmx1200m"));
                }
                report(fn, results);
            }
        }
    }

    private static double[] probe(Path repo, String fn, Path event, Map<String, String> env, String heap) throws IOException, InterruptedException {
        Path jar = repo.resolve("functions").resolve(fn).resolve("target/lambda/function.jar");
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " missing: run ./mvnw -DskipTests install first");
        String cp = jar + File.pathSeparator + repo.resolve("bench/target/classes");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(LAMBDA_JVM_FLAGS);
        String extra = System.getProperty("conflux.bench.jvmArgs");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of(heap, "-cp", cp, ColdStartProbe.class.getName(), fn, event.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        Matcher m = PROBE.matcher(out);
        if (rc != 0 || !m.find()) throw new IllegalStateException(fn + " probe failed (rc " + rc + "):\n" + out);
        String outcome = m.group(5);
        if (!outcome.equals("status=200") && !outcome.equals("failures=0")) throw new IllegalStateException(fn + " probe: " + outcome + "\n" + out);
        return new double[] {Double.parseDouble(m.group(4)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), wallMs,
                Double.parseDouble(m.group(1))};
    }

    private static void report(String fn, List<double[]> r) {
        System.out.printf("  %-7s JVM start -> first response: median %5.0f ms, min %5.0f ms | JVM boot to main %4.0f ms, handler init %5.0f ms, first invoke %5.0f ms | process spawn -> exit %5.0f ms%n",
                fn, Stats.median(r, 0), Stats.min(r, 0), Stats.median(r, 4), Stats.median(r, 1), Stats.median(r, 2), Stats.median(r, 3));
    }

    static Map<String, Object> apiEvent(String path, String token) {
        return Map.of("version", "2.0", "routeKey", "$default", "rawPath", path, "rawQueryString", "",
                "headers", Map.of("authorization", "Bearer " + token, "accept", "application/json"),
                "requestContext", Map.of("requestId", "bench", "stage", "$default", "routeKey", "$default",
                        "http", Map.of("method", "GET", "path", path, "protocol", "HTTP/1.1", "sourceIp", "127.0.0.1")),
                "isBase64Encoded", false);
    }

    static Map<String, Object> sqsEvent(String body) {
        return Map.of("Records", List.of(Map.of("messageId", "bench-1", "body", body, "eventSource", "aws:sqs",
                "attributes", Map.of("ApproximateReceiveCount", "1"))));
    }

    /** The S3 notification the stand-in delivered for {@code key}. */
    private static String receiveNotification(BenchWorld world, String queue, String key) {
        for (int attempt = 0; attempt < 50; attempt++) {
            for (var m : world.aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                world.aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                if (m.body().contains(key)) return m.body();
            }
        }
        throw new IllegalStateException("no notification for " + key);
    }
}
