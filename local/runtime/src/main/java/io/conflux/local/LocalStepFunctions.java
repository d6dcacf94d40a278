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
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, StateMachine> machines = new ConcurrentHashMap<>();
    private final Map<String, Started> executions = new ConcurrentHashMap<>();
    private final ExecutorService running = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "conflux-local-execution");
        t.setDaemon(true);
        return t;
    });

    /** @param functions invoked by function name (the last part of a Task's ARN) with the task's input */
    public LocalStepFunctions(BiFunction<String, Map<String, Object>, Map<String, Object>> functions) throws IOException {
        this.functions = functions;
        this.interpreterDir = findInterpreter();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/functions/", this::invoke);
        server.createContext("/", this::api);
        // as in a Lambda container, the function code's class loader is the threads' context class loader:
        // the pool's threads are made by the server's dispatcher thread, which may have another (under
        // exec:java, Maven's), and libraries that discover plugins through it (DJL's engines) would find none
        ClassLoader functionsLoader = LocalStepFunctions.class.getClassLoader();
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "conflux-local-lambda");
            t.setDaemon(true);
            t.setContextClassLoader(functionsLoader);
            return t;
        }));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record StateMachine(String arn, String definition, Map<String, Integer> waitMillis, Map<String, Integer> retryMillis) {}

    /** An execution started through the API: running until {@code result} completes. */
    private record Started(String arn, String stateMachineArn, String name, String input, Instant startedAt,
                           CompletableFuture<Execution> result, AtomicReference<Instant> stoppedAt) {}

    /**
     * Makes a definition startable through the Step Functions API at {@link #endpoint()} (StartExecution,
     * DescribeExecution, GetExecutionHistory: what the platform's code and an operator's tools call).
     *
     * @return the state machine's ARN
     */
    public String register(String region, String name, String definition, Map<String, Integer> waitMillis, Map<String, Integer> retryMillis) {
        String arn = "arn:aws:states:" + region + ":000000000000:stateMachine:" + name;
        machines.put(arn, new StateMachine(arn, definition, waitMillis, retryMillis));
        return arn;
    }

    /** Waits for an execution started through the API to end. */
    public Execution await(String executionArn, Duration timeout) throws Exception {
        Started s = executions.get(executionArn);
        if (s == null) throw new IllegalArgumentException("no execution " + executionArn);
        return s.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The Step Functions API (AWS JSON 1.0 protocol, {@code X-Amz-Target: AWSStepFunctions.<Action>})
     * for the actions the platform uses. Requests are not signature-checked: the server listens on
     * loopback only.
     */
    private void api(HttpExchange x) throws IOException {
        String target = x.getRequestHeaders().getFirst("X-Amz-Target");
        String action = target == null ? "" : target.substring(target.indexOf('.') + 1);
        int status = 200;
        Map<String, Object> response;
        try {
            Map<String, Object> req = Json.object(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            response = switch (action) {
                case "StartExecution" -> startExecution(req);
                case "DescribeExecution" -> describeExecution(started(req));
                case "GetExecutionHistory" -> Map.of("events", started(req).result().getNow(null) instanceof Execution e ? e.events() : List.of());
                default -> throw new ApiError(400, "UnknownOperationException", "the local Step Functions API does not implement '" + target + "'");
            };
        } catch (ApiError e) {
            status = e.status;
            response = Map.of("__type", e.type, "message", e.getMessage());
        } catch (Exception e) {
            status = 400;
            response = Map.of("__type", "InvalidParameterValueException", "message", String.valueOf(e.getMessage()));
        }
        byte[] body = Json.write(response).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static final class ApiError extends RuntimeException {
        final int status;
        final String type;

        ApiError(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }
    }

    private Map<String, Object> startExecution(Map<String, Object> req) throws IOException {
        String smArn = String.valueOf(req.get("stateMachineArn"));
        StateMachine sm = machines.get(smArn);
        if (sm == null) throw new ApiError(400, "StateMachineDoesNotExist", "State Machine Does Not Exist: '" + smArn + "'");
        String name = req.get("name") != null ? String.valueOf(req.get("name")) : UUID.randomUUID().toString();
        String input = req.get("input") != null ? String.valueOf(req.get("input")) : "{}";
        String arn = smArn.replace(":stateMachine:", ":execution:") + ":" + name;
        Map<String, Object> parsedInput = Json.object(input);
        Started fresh = new Started(arn, smArn, name, input, Instant.now(), new CompletableFuture<>(), new AtomicReference<>());
        Started s = executions.putIfAbsent(arn, fresh);
        if (s != null) {
            // as AWS: the same name and input while running is the same execution; otherwise the name is taken
            if (s.result().isDone() || !s.input().equals(input)) {
                throw new ApiError(400, "ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
            }
        } else {
            s = fresh;
            Started started = s;
            running.submit(() -> {
                try {
                    started.result().complete(run(sm.definition(), parsedInput, sm.waitMillis(), sm.retryMillis()));
                } catch (Exception e) {
                    started.result().complete(new Execution(false, null, "States.Runtime", "the interpreter could not run: " + e, List.of()));
                } finally {
                    started.stoppedAt().set(Instant.now());
                }
            });
        }
        return Map.of("executionArn", s.arn(), "startDate", epochSeconds(s.startedAt()));
    }

    private Started started(Map<String, Object> req) {
        String arn = String.valueOf(req.get("executionArn"));
        Started s = executions.get(arn);
        if (s == null) throw new ApiError(400, "ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
        return s;
    }

    private static Map<String, Object> describeExecution(Started s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executionArn", s.arn());
        m.put("stateMachineArn", s.stateMachineArn());
        m.put("name", s.name());
        m.put("input", s.input());
        m.put("startDate", epochSeconds(s.startedAt()));
        if (!s.result().isDone()) {
            m.put("status", "RUNNING");
            return m;
        }
        Execution e = s.result().join();
        m.put("status", e.succeeded() ? "SUCCEEDED" : "FAILED");
        Instant stopped = s.stoppedAt().get();
        m.put("stopDate", epochSeconds(stopped == null ? Instant.now() : stopped));
        if (e.succeeded()) m.put("output", Json.write(e.output()));
        else {
            m.put("error", e.error());
            m.put("cause", e.cause());
        }
        return m;
    }

    private static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
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
        synchronized (processes) {
            processes.add(p);
        }
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
        synchronized (processes) {
            processes.remove(p);
        }
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
            // what Lambda writes to the function's log: the error with its stack trace
            System.err.println("[" + name + "] invocation failed:");
            e.printStackTrace();
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
        running.shutdownNow();
        synchronized (processes) {
            processes.forEach(Process::destroyForcibly);
        }
    }
}
