package io.conflux.local;

import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.aws.Settings;
import io.conflux.identity.Wallet;
import io.conflux.ingest.IngestHandler;
import io.conflux.resources.ConfluxResources;
import io.conflux.standins.AwsTarget;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SqsEventSource;
import io.conflux.standins.StandIns;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import io.conflux.federation.RoundStep;
import io.conflux.infra.RoundWorkflowAsl;
import io.conflux.round.OnnxEvaluators;
import io.conflux.round.RoundTasks;

/**
 * The platform on one machine, wired as AWS wires it: the stand-ins provisioned from the stack's
 * resource spec, S3 ObjectCreated events through SQS to the ingest handler (as Lambda's event source
 * mapping would deliver them), and the API's controllers on Netty.
 */
public final class LocalRuntime implements AutoCloseable {
    public static final String STAGE = "local";
    public static final String ROUND_STATE_MACHINE = "conflux-local-rounds";
    /** The markets whose public candles ship with the runtime. */
    public static final List<String> MARKETS = List.of("btc-usdt-1h", "eth-usdt-1h", "btc-usd-1d");
    /** The round's fan-out here (the stack's is ConfluxStack.ROUND_MAP_CONCURRENCY): two cores. */
    static final int MAP_CONCURRENCY = 2;

    private final LocalAws aws;
    private final LocalAws owned;
    private final Platform platform;
    private final ApplicationContext api;
    private final EmbeddedServer server;
    private final SqsEventSource ingest;
    private final Wallet operator;
    private final Path dataDir;
    private final LocalStepFunctions stepFunctions;
    private final io.conflux.trade.TradeHandler trade;
    private final String roundDefinition;
    private final DevChain chain;
    private final io.conflux.settle.SettleHandler settle;
    /** Local settlement epochs are the days of the shipped candles' last stretch, which the demo's agent replays. */
    static final String EPOCH_GENESIS = "2021-09-27T00:00:00Z";
    static final String EPOCH_LENGTH = "P1D";

    private LocalRuntime(LocalAws owned, LocalAws aws, Platform platform, ApplicationContext api, EmbeddedServer server, SqsEventSource ingest,
                         Wallet operator, Path dataDir, LocalStepFunctions stepFunctions, io.conflux.trade.TradeHandler trade, String roundDefinition,
                         DevChain chain) {
        this.roundDefinition = roundDefinition;
        this.chain = chain;
        this.settle = chain == null ? null : new io.conflux.settle.SettleHandler(platform);
        this.stepFunctions = stepFunctions;
        this.trade = trade;
        this.owned = owned;
        this.aws = aws;
        this.platform = platform;
        this.api = api;
        this.server = server;
        this.ingest = ingest;
        this.operator = operator;
        this.dataDir = dataDir;
    }

    /**
     * @param dataDir where keys (and, if {@code persistent}, tables and objects) live
     * @param apiPort 0 for any free port
     */
    public static LocalRuntime start(Path dataDir, boolean persistent, int apiPort) {
        return start(dataDir, persistent, apiPort, false);
    }

    /** @param withChain also a Hardhat chain with the settlement contracts ({@link DevChain}), and the settle function on it */
    public static LocalRuntime start(Path dataDir, boolean persistent, int apiPort, boolean withChain) {
        return start(dataDir, persistent, apiPort, withChain, Map.of());
    }

    /** As {@link #start(Path, boolean, int, boolean)}, with settings of the functions' environment replaced (markets, epochs, ...). */
    public static LocalRuntime start(Path dataDir, boolean persistent, int apiPort, boolean withChain, Map<String, String> settings) {
        LocalAws aws;
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dataDir, e);
        }
        aws = new LocalAws(persistent ? StandIns.start(dataDir.resolve("state")) : StandIns.startInMemory(), STAGE);
        return start(aws, true, dataDir, apiPort, settings, withChain);
    }

    /**
     * The runtime on stand-ins that are already running (a test run's shared ones), under its own stage
     * (its own tables, buckets and queue); closing it leaves the stand-ins running.
     */
    public static LocalRuntime on(AwsTarget target, String stage, Path dataDir) {
        return on(target, stage, dataDir, Map.of());
    }

    /** As {@link #on(AwsTarget, String, Path)}, with settings of the functions' environment replaced (e.g. where presigned URLs point). */
    public static LocalRuntime on(AwsTarget target, String stage, Path dataDir, Map<String, String> settings) {
        return on(target, stage, dataDir, settings, false);
    }

    public static LocalRuntime on(AwsTarget target, String stage, Path dataDir, Map<String, String> settings, boolean withChain) {
        return start(new LocalAws(target, stage), false, dataDir, 0, settings, withChain);
    }

    private static LocalRuntime start(LocalAws aws, boolean ownsAws, Path dataDir, int apiPort, Map<String, String> settings, boolean withChain) {
        LocalStepFunctions sfn = null;
        DevChain chain = null;
        try {
            if (withChain) chain = DevChain.start();
            Files.createDirectories(dataDir);
            int port = apiPort == 0 ? freePort() : apiPort;
            Wallet operator = keyFile(dataDir.resolve("operator.key"));
            // the round state machine's Task states call the round handlers, which need the platform built below
            AtomicReference<RoundTasks> tasks = new AtomicReference<>();
            sfn = new LocalStepFunctions((name, input) -> tasks.get().run(RoundStep.ofFunctionName(name), input));
            String roundDefinition = RoundWorkflowAsl.render(MAP_CONCURRENCY);
            String stateMachine = sfn.register(aws.target().region(), ROUND_STATE_MACHINE, roundDefinition, Map.of(), Map.of());
            Map<String, String> vars = new HashMap<>(functionEnv(aws, dataDir, port, operator).asMap());
            vars.put(Settings.ENDPOINT_SFN, sfn.endpoint());
            vars.put(Settings.ROUND_STATE_MACHINE_ARN, stateMachine);
            // the agent trades BTC-USDT on a replay of the shipped candles, at whatever (past) time a tick names
            vars.put(io.conflux.trade.TradeHandler.MARKETS, "BTC-USDT=btc-usdt-1h");
            vars.put(io.conflux.trade.TradeHandler.FEED, "replay");
            vars.put("CONFLUX_AGENT_MAX_LATENESS_MINUTES", "0");
            if (chain != null) {
                vars.putAll(chain.env());
                vars.put(io.conflux.settle.SettleHandler.GENESIS, EPOCH_GENESIS);
                vars.put(io.conflux.settle.SettleHandler.LENGTH, EPOCH_LENGTH);
            }
            vars.putAll(settings);
            // settlement values the books of the markets the agent trades
            if (chain != null) vars.putIfAbsent(io.conflux.settle.SettleHandler.MARKETS, vars.get(io.conflux.trade.TradeHandler.MARKETS));
            Env env = new Env(vars);
            Platform platform = new Platform(env, Clock.systemUTC());
            publishMarketData(platform);
            tasks.set(new RoundTasks(platform, OnnxEvaluators.fromPlatform(platform)));
            io.conflux.trade.TradeHandler trade = new io.conflux.trade.TradeHandler(platform);
            ApplicationContext ctx = ApplicationContext.builder().singletons(platform)
                    .properties(Map.of("micronaut.server.port", port, "micronaut.server.host", "127.0.0.1",
                            // the controllers block (DynamoDB, S3): run them off Netty's event loop. In Lambda
                            // there is no event loop, so the controllers carry no @ExecuteOn of their own.
                            "micronaut.server.thread-selection", "BLOCKING")).build().start();
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
            SqsEventSource ingest = new SqsEventSource(aws.sqs(), aws.get(ConfluxResources.INGEST_QUEUE.envVar()), new IngestHandler(platform), 10).start();
            return new LocalRuntime(ownsAws ? aws : null, aws, platform, ctx, server, ingest, operator, dataDir, sfn, trade, roundDefinition, chain);
        } catch (IOException e) {
            if (sfn != null) sfn.close();
            if (chain != null) chain.close();
            if (ownsAws) aws.close();
            throw new UncheckedIOException("cannot prepare " + dataDir, e);
        } catch (RuntimeException e) {
            if (sfn != null) sfn.close();
            if (chain != null) chain.close();
            if (ownsAws) aws.close();
            throw e;
        }
    }

    /**
     * The public candles that rounds are validated on, shipped with the runtime (see market/README.md),
     * put where the round's Evaluate step reads them.
     */
    static void publishMarketData(Platform platform) throws IOException {
        for (String market : MARKETS) {
            try (var in = LocalRuntime.class.getResourceAsStream("/market/" + market + ".csv")) {
                if (in == null) throw new IllegalStateException("the runtime jar lacks market/" + market + ".csv");
                platform.modelsBucket().put(io.conflux.evaluation.ValidationSets.marketKey(market), in.readAllBytes());
            }
        }
    }

    /**
     * What the functions read on this machine: the provisioned resources plus sign-in (domain
     * {@code 127.0.0.1:port}, chain 31337), a token secret and a round-key file kept in {@code dataDir}.
     */
    public static Env functionEnv(LocalAws aws, Path dataDir, int port, Wallet operator) throws IOException {
        Map<String, String> env = new HashMap<>(aws.env());
        env.put(Settings.SIWE_DOMAIN, "127.0.0.1:" + port);
        env.put(Settings.SIWE_URI, "http://127.0.0.1:" + port);
        env.put(Settings.CHAIN_ID, "31337");
        env.put(Settings.TOKEN_SECRET, secret(dataDir.resolve("token-secret")));
        env.put(Settings.OPERATORS, operator.address());
        env.put(Settings.ROUND_KEY_PROTECTION, "file:" + dataDir.resolve("round-keys.key"));
        env.put(Settings.PLATFORM_KEY, keyFile(dataDir.resolve("platform.key")).privateKeyHex());
        // a round closing early (maxUpdates reached) is noticed within seconds, not minutes
        env.put(Settings.ROUND_MAX_WAIT_SECONDS, "2");
        // ingest here takes well under a second: updates uploaded before the deadline are in two seconds after it
        env.put(Settings.ROUND_GRACE_SECONDS, "2");
        return new Env(env);
    }

    public URI apiUrl() {
        return URI.create(server.getURL().toString());
    }

    /** The round state machine's definition this runtime registered (the stack's, rendered at this runtime's fan-out). */
    String roundDefinition() {
        return roundDefinition;
    }

    public Platform platform() {
        return platform;
    }

    public LocalAws aws() {
        return aws;
    }

    /** The Step Functions stand-in that runs the round state machine (to follow executions). */
    public LocalStepFunctions stepFunctions() {
        return stepFunctions;
    }

    /**
     * Runs the agent's tick for {@code market} at {@code time}, as the hourly schedule does in AWS (here on a
     * replay of the shipped candles, so any past hour may be ticked).
     */
    /** The chain, when the runtime was started with one. */
    public java.util.Optional<DevChain> chain() {
        return java.util.Optional.ofNullable(chain);
    }

    /** Runs the settle function as its schedule would, settling no further than {@code upToEpoch}. */
    public Map<String, Object> settle(long upToEpoch) {
        if (settle == null) throw new IllegalStateException("this runtime has no chain: start it with one to settle");
        return settle.handleRequest(Map.of("upToEpoch", upToEpoch), null);
    }

    public Map<String, Object> tick(String market, java.time.Instant time) {
        return trade.handleRequest(Map.of("market", market, "time", time.toString()), null);
    }

    public Wallet operator() {
        return operator;
    }

    /** The lines that tell a person where everything listens. */
    public String describe() {
        var target = aws.target();
        return String.join("\n",
                "Conflux local runtime (stage '" + STAGE + "')",
                "  API          " + apiUrl(),
                "  OpenAPI      " + apiUrl().resolve("/openapi.json") + "   (the API's routes, parameters and JSON shapes)",
                "  DynamoDB     " + target.dynamoEndpoint(),
                "  S3 (SigV4)   " + target.s3Endpoint() + "   bucket " + aws.get(ConfluxResources.UPDATES_BUCKET.envVar()),
                "  SQS          " + target.sqsEndpoint() + "   ingest queue " + aws.get(ConfluxResources.INGEST_QUEUE.envVar()),
                "  Step Fns     " + stepFunctions.endpoint() + "   round state machine " + platform.env().require(Settings.ROUND_STATE_MACHINE_ARN),
                "  credentials  " + target.accessKey() + " / " + target.secretKey() + "   region " + target.region(),
                "  operator     " + operator.address() + "   (key in " + dataDir.resolve("operator.key") + ")",
                "  sign-in      EIP-4361 domain 127.0.0.1:" + apiUrl().getPort() + ", chain id 31337")
                + (chain == null ? "" : "\n" + chain.describe() + "\n  epochs       " + platform.env().require(io.conflux.settle.SettleHandler.LENGTH) + " from "
                + platform.env().require(io.conflux.settle.SettleHandler.GENESIS) + " (settled by runtime.settle)");
    }

    @Override
    public void close() {
        stepFunctions.close();
        ingest.close();
        server.stop();
        api.close();
        platform.close();
        if (chain != null) chain.close();
        if (owned != null) owned.close();
    }

    /** A wallet kept in a file readable only by its owner; created on first use. */
    private static Wallet keyFile(Path file) throws IOException {
        if (Files.exists(file)) return Wallet.fromPrivateKeyHex(Files.readString(file).trim());
        Wallet w = Wallet.create();
        Files.writeString(file, io.conflux.identity.Signatures.toHex(w.privateKey()));
        restrict(file);
        return w;
    }

    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) return Files.readString(file).trim();
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String s = Base64.getEncoder().encodeToString(b);
        Files.writeString(file, s);
        restrict(file);
        return s;
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
