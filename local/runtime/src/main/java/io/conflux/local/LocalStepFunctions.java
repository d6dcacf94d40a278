package io.conflux.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.conflux.platform.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * Step Functions on the local runtime: runs a state machine definition (ASL) on the npm interpreter
 * aws-local-stepfunctions (PLATFORM.md), one Node process per execution, with its Task states invoking
 * Java functions over loopback the way Lambda's Invoke API would: {@code POST /functions/NAME/invocations},
 * a function error answered with {@code X-Amz-Function-Error} and {errorType, errorMessage}, so the
 * definition's Retry and Catch see the same error names as in AWS.
 */
public final class LocalStepFunctions implements AutoCloseable {

    /** An execution's outcome and its event history (what the console shows for a round). */
    public record Execution(boolean succeeded, Map<String, Object> output, String error, String cause, List<Map<String, Object>> events) {
        /** The names of the states entered, in order (Map iterations included). */
        public List<String> statesEntered() {
            List<String> out = new ArrayList<>();
            for (Map<String, Object> e : events) {
                if ("StateEntered".equals(e.get("type"))) out.add(String.valueOf(Json.at(e, "state", "name")));
            }
            return out;
        }
    }

    private final HttpServer server;
    private final BiFunction<String, Map<String, Object>, Map<String, Object>> functions;
    private final Path interpreterDir;

    /** @param functions invoked by function name (the last part of a Task's ARN) with the task's input */
    public LocalStepFunctions(BiFunction<String, Map<String, Object>, Map<String, Object>> functions) throws IOException {
        this.functions = functions;
        this.interpreterDir = findInterpreter();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/functions/", this::invoke);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "conflux-local-lambda");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Checks a definition with asl-validator; returns the validator's errors (empty when valid). */
    public String validate(String definition) throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("definition", Json.parse(definition));
        req.put("validateOnly", true);
        Execution e = exec(req);
        return e.succeeded() ? "" : e.cause();
    }

    /**
     * Runs one execution to its end.
     *
     * @param waitMillis  per Wait state, how long it really waits (the local runtime replays time fast)
     * @param retryMillis per state, the pause before each retry
     */
    public Execution run(String definition, Map<String, Object> input, Map<String, Integer> waitMillis, Map<String, Integer> retryMillis)
            throws IOException, InterruptedException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("definition", Json.parse(definition));
        req.put("input", input);
        req.put("invoke", endpoint());
        req.put("waitSeconds", waitMillis);
        req.put("retryMillis", retryMillis);
        return exec(req);
    }

    @SuppressWarnings("unchecked")
    private Execution exec(Map<String, Object> request) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("node", interpreterDir.resolve("run.mjs").toString()).directory(interpreterDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(Json.write(request).getBytes(StandardCharsets.UTF_8));
        }
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, Object> last = null;
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            Map<String, Object> m = Json.object(line);
            if (m.containsKey("event")) events.add((Map<String, Object>) m.get("event"));
            else last = m;
        }
        int code = p.waitFor();
        if (last == null) throw new IOException("the Step Functions interpreter ended (exit " + code + ") without a result");
        if (last.containsKey("result")) {
            Object r = last.get("result");
            return new Execution(true, r instanceof Map<?, ?> ? (Map<String, Object>) r : Map.of("value", String.valueOf(r)), null, null, events);
        }
        return new Execution(false, null, String.valueOf(last.get("error")), String.valueOf(last.get("cause")), events);
    }

    @SuppressWarnings("unchecked")
    private void invoke(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String name = path.substring("/functions/".length(), path.lastIndexOf("/invocations"));
        byte[] body;
        boolean failed = false;
        try {
            Map<String, Object> input = Json.object(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            body = Json.write(functions.apply(name, input)).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            failed = true;
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("errorType", e.getClass().getName());
            err.put("errorMessage", String.valueOf(e.getMessage()));
            body = Json.write(err).getBytes(StandardCharsets.UTF_8);
        }
        x.getResponseHeaders().add("Content-Type", "application/json");
        if (failed) x.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    /** local/stepfunctions with its node_modules, from -Dconflux.stepfunctions.dir or above the working directory. */
    static Path findInterpreter() {
        String configured = System.getProperty("conflux.stepfunctions.dir");
        if (configured != null) return Path.of(configured);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve("local/stepfunctions");
            if (Files.isRegularFile(dir.resolve("run.mjs"))) {
                if (!Files.isDirectory(dir.resolve("node_modules/aws-local-stepfunctions"))) {
                    throw new IllegalStateException("the Step Functions interpreter is not installed: run `npm ci` in " + dir);
                }
                return dir;
            }
        }
        throw new IllegalStateException("cannot find local/stepfunctions above " + Path.of("").toAbsolutePath());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
