package io.conflux.resources;

import java.time.Duration;
import java.util.List;

/**
 * The single definition of the platform's stateful resources. The CDK app builds them from here, the
 * local runtime provisions the stand-ins from here, and the functions find them through the
 * environment variables named here, so the cloud and the local runtime cannot drift apart.
 */
public final class ConfluxResources {

    private ConfluxResources() {}

    /** Traders by wallet address (lower-case). */
    public static final TableSpec TRADERS = new TableSpec("traders", "TABLE_TRADERS", "address", null, null, List.of());

    /** Sign-in nonces: single use, expire by TTL. */
    public static final TableSpec NONCES = new TableSpec("nonces", "TABLE_NONCES", "nonce", null, "expiresAtEpoch", List.of());

    public static final TableSpec ROUNDS = new TableSpec("rounds", "TABLE_ROUNDS", "roundId", null, null, List.of());

    /** One item per issued upload: its status (issued, accepted, rejected with reason). */
    public static final TableSpec UPDATES = new TableSpec("updates", "TABLE_UPDATES", "roundId", "uploadId", null,
            List.of(new TableSpec.IndexSpec("byTrader", "trader", "issuedAt")));

    /** Uniqueness and idempotency claims (e.g. an update's content hash), written with a condition. */
    public static final TableSpec CLAIMS = new TableSpec("claims", "TABLE_CLAIMS", "claim", null, "expiresAtEpoch", List.of());

    /** The published global models, one item per version (sort key: the version, zero-padded). */
    public static final TableSpec MODELS = new TableSpec("models", "TABLE_MODELS", "templateId", "version", null, List.of());

    /** Contribution scores per round and accepted update (a trader may have several in a round). */
    public static final TableSpec SCORES = new TableSpec("scores", "TABLE_SCORES", "roundId", "contentHash", null, List.of());

    /**
     * The trading agent, per market: its book and risk state ({@code state}), one item per tick
     * ({@code tick#<scheduled time>}), per trade ({@code trade#<time>#<order id>}), per audit-log entry
     * ({@code audit#<sequence>}) and per day ({@code day#<date>}).
     */
    public static final TableSpec AGENT = new TableSpec("agent", "TABLE_AGENT", "market", "key", null, List.of());

    /**
     * Settlement, per vault: one item per epoch (partition: the vault's address; sort key: the epoch, zero-padded),
     * and the claim indexer's cursor (partition {@code <vault>#cursor}).
     */
    public static final TableSpec SETTLEMENTS = new TableSpec("settlements", "TABLE_SETTLEMENTS", "scope", "epoch", null, List.of());

    /** Each trader's allocation per epoch (sort key {@code <vault>#<epoch>}), with its Merkle proof and whether it was claimed. */
    public static final TableSpec ALLOCATIONS = new TableSpec("allocations", "TABLE_ALLOCATIONS", "trader", "epoch", null, List.of());

    /** Raw encrypted updates: expire after 90 days (a round has long been aggregated, scored and published by then). */
    public static final BucketSpec UPDATES_BUCKET = new BucketSpec("updates", "BUCKET_UPDATES", false, 90);

    /** Published models (ONNX, parameters, receipts) and the public candles evaluation reads: versioned. */
    public static final BucketSpec MODELS_BUCKET = new BucketSpec("models", "BUCKET_MODELS", true, 0);

    /** The round workflow's intermediate files (decoded batches, partial aggregates): expire after a week. */
    public static final BucketSpec WORK_BUCKET = new BucketSpec("work", "BUCKET_WORK", false, 7);

    /**
     * S3 ObjectCreated notifications for updates, consumed by the ingest function. The visibility
     * timeout is six times the ingest function's timeout, as AWS advises for Lambda event sources
     * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
     */
    public static final QueueSpec INGEST_QUEUE = new QueueSpec("ingest", "QUEUE_INGEST", Duration.ofMinutes(6), 5, Duration.ofDays(14));

    /** The ingest function's timeout; the queue's visibility timeout derives from it. */
    public static final Duration INGEST_TIMEOUT = Duration.ofMinutes(1);

    public static List<TableSpec> tables() {
        return List.of(TRADERS, NONCES, ROUNDS, UPDATES, CLAIMS, MODELS, SCORES, AGENT, SETTLEMENTS, ALLOCATIONS);
    }

    public static List<BucketSpec> buckets() {
        return List.of(UPDATES_BUCKET, MODELS_BUCKET, WORK_BUCKET);
    }

    public static String physicalName(String stage, String logicalName) {
        if (!stage.matches("[a-z][a-z0-9]{0,15}")) throw new IllegalArgumentException("a stage is 1-16 lower-case letters/digits starting with a letter: " + stage);
        return "conflux-" + stage + "-" + logicalName;
    }
}
