package io.conflux.aws;

import io.conflux.crypto.KeyProtector;
import io.conflux.federation.ModelRegistry;
import io.conflux.federation.PublishedModel;
import io.conflux.federation.RoundWorkflow;
import io.conflux.federation.ScoreStore;
import io.conflux.identity.Wallet;
import io.conflux.rounds.RoundPolicy;
import java.time.Instant;
import io.conflux.crypto.LocalKeyFileProtector;
import io.conflux.identity.SessionTokens;
import io.conflux.identity.SignInService;
import io.conflux.identity.TraderRegistry;
import io.conflux.resources.ConfluxResources;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStore;
import io.conflux.update.IngestService;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UploadService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The domain services wired to their AWS adapters from one {@link Env}: what every handler (Lambda or
 * local) starts from. Built once per container; SDK clients are created on first use.
 */
public final class Platform implements AutoCloseable {
    private final Env env;
    private final AwsClients aws;
    private final Clock clock;
    private final RoundStore roundStore;
    private final RoundService rounds;
    private final TraderRegistry traders;
    private final UpdateLedger ledger;
    private volatile S3Uploads uploadsBucket;
    private final DynamoModelRegistry registry;
    private volatile SignInService signIn;
    private volatile UploadService uploads;
    private volatile IngestService ingest;

    public Platform(Env env, Clock clock) {
        this.env = env;
        this.clock = clock;
        this.aws = new AwsClients(env);
        this.roundStore = new DynamoRoundStore(aws.dynamo(), env.require(ConfluxResources.ROUNDS.envVar()));
        this.registry = new DynamoModelRegistry(aws.dynamo(), env.require(ConfluxResources.MODELS.envVar()),
                env.require(ConfluxResources.ROUNDS.envVar()));
        this.rounds = new RoundService(roundStore, lazyKeyProtector(env, aws), clock, policyDefaults(env),
                template -> registry.latest(template).map(PublishedModel::parametersHash).orElse(null),
                env.get(Settings.ROUND_STATE_MACHINE_ARN).map(arn -> new SfnWorkflowStarter(aws::sfn, arn)).orElse(null));
        this.traders = new DynamoTraderRegistry(aws.dynamo(), env.require(ConfluxResources.TRADERS.envVar()));
        this.ledger = new DynamoUpdateLedger(aws.dynamo(), env.require(ConfluxResources.UPDATES.envVar()),
                env.require(ConfluxResources.CLAIMS.envVar()), env.require(ConfluxResources.ROUNDS.envVar()));
    }

    /**
     * The updates bucket, on first use: a function that never touches updates (trade, settle, the authorizer) needs
     * neither its name nor a grant on it.
     */
    private S3Uploads uploadsBucket() {
        if (uploadsBucket == null) {
            synchronized (this) {
                if (uploadsBucket == null) uploadsBucket = new S3Uploads(aws::s3, aws::presigner, env.require(ConfluxResources.UPDATES_BUCKET.envVar()));
            }
        }
        return uploadsBucket;
    }

    public static Platform fromSystem() {
        return new Platform(Env.system(), Clock.systemUTC());
    }

    public Env env() {
        return env;
    }

    public Clock clock() {
        return clock;
    }

    public RoundService rounds() {
        return rounds;
    }

    public RoundStore roundStore() {
        return roundStore;
    }

    public ModelRegistry models() {
        return registry;
    }

    public ScoreStore scores() {
        return new DynamoScoreStore(aws.dynamo(), env.require(ConfluxResources.SCORES.envVar()));
    }

    /** The trading agent's books, ticks, trades and audit log. */
    public io.conflux.agent.AgentStore agent() {
        return new DynamoAgentStore(aws.dynamo(), env.require(ConfluxResources.AGENT.envVar()));
    }

    /** Epoch settlements and traders' allocations of the vault at {@code vault}. */
    public io.conflux.settlement.SettlementStore settlements(String vault) {
        return new DynamoSettlementStore(aws.dynamo(), env.require(ConfluxResources.SETTLEMENTS.envVar()), env.require(ConfluxResources.ALLOCATIONS.envVar()),
                vault.toLowerCase(java.util.Locale.ROOT));
    }

    /** The published models bucket (ONNX, parameters, receipts, public candles). */
    public S3Blobs modelsBucket() {
        return new S3Blobs(aws::s3, env.require(ConfluxResources.MODELS_BUCKET.envVar()));
    }

    /** A presigned GET of the models bucket (a model, its parameters, a receipt), valid for {@link Settings#MODEL_URL_TTL_SECONDS}. */
    public Download modelDownload(String key, String versionId) {
        Duration ttl = Duration.ofSeconds(Long.parseLong(env.get(Settings.MODEL_URL_TTL_SECONDS, "900")));
        String bucket = env.require(ConfluxResources.MODELS_BUCKET.envVar());
        var p = aws.presigner().presignGetObject(g -> g.signatureDuration(ttl).getObjectRequest(o -> o.bucket(bucket).key(key).versionId(versionId)));
        return new Download(p.url().toString(), p.expiration());
    }

    public record Download(String url, Instant expiresAt) {}

    /** The round workflow's work area. */
    public S3Blobs workBucket() {
        return new S3Blobs(aws::s3, env.require(ConfluxResources.WORK_BUCKET.envVar()));
    }

    public AwsClients aws() {
        return aws;
    }

    /** The key that signs aggregation receipts: from the environment (local) or Secrets Manager (AWS). */
    public Wallet platformKey() {
        String hex = env.get(Settings.PLATFORM_KEY).orElseGet(() -> aws.secrets()
                .getSecretValue(r -> r.secretId(env.require(Settings.PLATFORM_KEY_ARN))).secretString());
        return Wallet.fromPrivateKeyHex(hex.trim());
    }

    public RoundWorkflow.Settings workflowSettings() {
        RoundWorkflow.Settings d = RoundWorkflow.Settings.defaults();
        return new RoundWorkflow.Settings(Integer.parseInt(env.get(Settings.ROUND_BATCH_SIZE, Integer.toString(d.batchSize()))),
                Long.parseLong(env.get(Settings.ROUND_SHARD_BUDGET_FLOATS, Long.toString(d.shardBudgetFloats()))),
                Duration.ofSeconds(Long.parseLong(env.get(Settings.ROUND_GRACE_SECONDS, Long.toString(d.grace().toSeconds())))),
                Duration.ofSeconds(Long.parseLong(env.get(Settings.ROUND_MAX_WAIT_SECONDS, Long.toString(d.maxWait().toSeconds())))),
                d.tempDir());
    }

    /** The policy of rounds opened without one; the validation window has no default (it depends on the data). */
    static RoundPolicy policyDefaults(Env env) {
        String validation = env.get(Settings.ROUND_VALIDATION, "btc-usdt-1h:2021-07-01T00:00:00Z/2021-09-30T00:00:00Z");
        int colon = validation.indexOf(':'), slash = validation.indexOf('/');
        if (colon < 0 || slash < colon) throw new IllegalStateException(Settings.ROUND_VALIDATION + " is market:from/to, not '" + validation + "'");
        return new RoundPolicy(Integer.parseInt(env.get(Settings.ROUND_MIN_UPDATES, "2")), Integer.parseInt(env.get(Settings.ROUND_MAX_UPDATES, "0")),
                env.get(Settings.ROUND_RULE, "clip(max=5)+fedavg"),
                new RoundPolicy.Validation(validation.substring(0, colon), Instant.parse(validation.substring(colon + 1, slash)),
                        Instant.parse(validation.substring(slash + 1))),
                Integer.parseInt(env.get(Settings.ROUND_SCORE_BUDGET, "200")), Long.parseLong(env.get(Settings.ROUND_SEED, "7")));
    }

    public UpdateLedger ledger() {
        return ledger;
    }

    public TraderRegistry traders() {
        return traders;
    }

    /** Reads uploaded update objects (for the round's aggregation). */
    public io.conflux.update.ObjectReader updateObjects() {
        return uploadsBucket();
    }

    public SignInService signIn() {
        if (signIn == null) {
            synchronized (this) {
                if (signIn == null) {
                    String domain = env.require(Settings.SIWE_DOMAIN);
                    byte[] secret = Base64.getDecoder().decode(tokenSecret());
                    Duration ttl = Duration.ofMinutes(Long.parseLong(env.get(Settings.TOKEN_TTL_MINUTES, "60")));
                    Set<String> operators = Arrays.stream(env.get(Settings.OPERATORS, "").split(","))
                            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
                    signIn = new SignInService(domain, env.get(Settings.SIWE_URI, "https://" + domain),
                            Long.parseLong(env.require(Settings.CHAIN_ID)),
                            new DynamoNonceStore(aws.dynamo(), env.require(ConfluxResources.NONCES.envVar())), traders,
                            new SessionTokens(secret, "conflux", ttl, clock), operators, clock);
                }
            }
        }
        return signIn;
    }

    public UploadService uploads() {
        if (uploads == null) {
            synchronized (this) {
                if (uploads == null) uploads = new UploadService(rounds, ledger, uploadsBucket(), clock);
            }
        }
        return uploads;
    }

    public IngestService ingest() {
        if (ingest == null) {
            synchronized (this) {
                if (ingest == null) ingest = new IngestService(roundStore, rounds, ledger, traders, uploadsBucket(), clock);
            }
        }
        return ingest;
    }

    /** The token secret from the environment (local) or from Secrets Manager (AWS), read once per container. */
    private String tokenSecret() {
        return env.get(Settings.TOKEN_SECRET).orElseGet(() -> aws.secrets()
                .getSecretValue(r -> r.secretId(env.require(Settings.TOKEN_SECRET_ARN))).secretString());
    }

    /**
     * Loads the SDK's request path with one read that changes nothing (a round that cannot exist), so
     * the first real request does not pay for it. Run during a function's init phase.
     */
    public void prime() {
        roundStore.find("~prime");
    }

    /** The same for the updates bucket: a HEAD of a key that cannot exist (its 404 is the expected answer). */
    public void primeUpdatesBucket() {
        try {
            aws.s3().headObject(r -> r.bucket(env.require(ConfluxResources.UPDATES_BUCKET.envVar())).key("~prime"));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception expected) {
            // 404 (or 403 without ListBucket): the request path is loaded either way
        }
    }

    /**
     * The round-key protection, resolved on first use: only the functions that open rounds or unwrap their keys (API,
     * ingest, the round steps) are configured with it.
     */
    private static KeyProtector lazyKeyProtector(Env env, AwsClients aws) {
        java.util.concurrent.atomic.AtomicReference<KeyProtector> resolved = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Supplier<KeyProtector> get = () -> resolved.updateAndGet(k -> k != null ? k : keyProtector(env, aws));
        return new KeyProtector() {
            @Override
            public byte[] protect(byte[] privateKey, String roundId) throws java.security.GeneralSecurityException {
                return get.get().protect(privateKey, roundId);
            }

            @Override
            public byte[] unprotect(byte[] wrapped, String roundId) throws java.security.GeneralSecurityException {
                return get.get().unprotect(wrapped, roundId);
            }
        };
    }

    static KeyProtector keyProtector(Env env, AwsClients aws) {
        String spec = env.require(Settings.ROUND_KEY_PROTECTION);
        if (spec.startsWith("kms:")) return new KmsKeyProtector(aws::kms, spec.substring(4));
        if (spec.startsWith("file:")) return new LocalKeyFileProtector(Path.of(spec.substring(5)));
        throw new IllegalStateException(Settings.ROUND_KEY_PROTECTION + " must be kms:<key id> or file:<path>, not '" + spec + "'");
    }

    @Override
    public void close() {
        aws.close();
    }
}
