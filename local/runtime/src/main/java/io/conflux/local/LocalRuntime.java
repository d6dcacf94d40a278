package io.conflux.local;

import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.aws.Settings;
import io.conflux.identity.Wallet;
import io.conflux.ingest.IngestHandler;
import io.conflux.resources.ConfluxResources;
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
import java.util.Map;

/**
 * The platform on one machine, wired as AWS wires it: the stand-ins provisioned from the stack's
 * resource spec, S3 ObjectCreated events through SQS to the ingest handler (as Lambda's event source
 * mapping would deliver them), and the API's controllers on Netty.
 */
public final class LocalRuntime implements AutoCloseable {
    public static final String STAGE = "local";

    private final LocalAws aws;
    private final Platform platform;
    private final ApplicationContext api;
    private final EmbeddedServer server;
    private final SqsEventSource ingest;
    private final Wallet operator;
    private final Path dataDir;

    private LocalRuntime(LocalAws aws, Platform platform, ApplicationContext api, EmbeddedServer server, SqsEventSource ingest,
                         Wallet operator, Path dataDir) {
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
        LocalAws aws = null;
        try {
            Files.createDirectories(dataDir);
            aws = new LocalAws(persistent ? StandIns.start(dataDir.resolve("state")) : StandIns.startInMemory(), STAGE);
            int port = apiPort == 0 ? freePort() : apiPort;
            Wallet operator = operatorWallet(dataDir);
            Env env = functionEnv(aws, dataDir, port, operator);
            Platform platform = new Platform(env, Clock.systemUTC());
            ApplicationContext ctx = ApplicationContext.builder().singletons(platform)
                    .properties(Map.of("micronaut.server.port", port, "micronaut.server.host", "127.0.0.1",
                            // the controllers block (DynamoDB, S3): run them off Netty's event loop. In Lambda
                            // there is no event loop, so the controllers carry no @ExecuteOn of their own.
                            "micronaut.server.thread-selection", "BLOCKING")).build().start();
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
            SqsEventSource ingest = new SqsEventSource(aws.sqs(), aws.get(ConfluxResources.INGEST_QUEUE.envVar()), new IngestHandler(platform), 10).start();
            return new LocalRuntime(aws, platform, ctx, server, ingest, operator, dataDir);
        } catch (IOException e) {
            if (aws != null) aws.close();
            throw new UncheckedIOException("cannot prepare " + dataDir, e);
        } catch (RuntimeException e) {
            if (aws != null) aws.close();
            throw e;
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
        return new Env(env);
    }

    public URI apiUrl() {
        return URI.create(server.getURL().toString());
    }

    public Platform platform() {
        return platform;
    }

    public LocalAws aws() {
        return aws;
    }

    /** The lines that tell a person where everything listens. */
    public String describe() {
        var target = aws.target();
        return String.join("\n",
                "Conflux local runtime (stage '" + STAGE + "')",
                "  API          " + apiUrl(),
                "  DynamoDB     " + target.dynamoEndpoint(),
                "  S3 (SigV4)   " + target.s3Endpoint() + "   bucket " + aws.get(ConfluxResources.UPDATES_BUCKET.envVar()),
                "  SQS          " + target.sqsEndpoint() + "   ingest queue " + aws.get(ConfluxResources.INGEST_QUEUE.envVar()),
                "  credentials  " + target.accessKey() + " / " + target.secretKey() + "   region " + target.region(),
                "  operator     " + operator.address() + "   (key in " + dataDir.resolve("operator.key") + ")",
                "  sign-in      EIP-4361 domain 127.0.0.1:" + apiUrl().getPort() + ", chain id 31337");
    }

    @Override
    public void close() {
        ingest.close();
        server.stop();
        api.close();
        platform.close();
        aws.close();
    }

    private static Wallet operatorWallet(Path dataDir) throws IOException {
        Path file = dataDir.resolve("operator.key");
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
