package io.conflux.aws;

/** Names of the configuration variables beyond the resources (see {@link io.conflux.resources.ConfluxResources}). */
public final class Settings {
    private Settings() {}

    public static final String STAGE = "CONFLUX_STAGE";
    /** EIP-4361 domain the sign-in messages must name, e.g. {@code api.conflux.example} or {@code 127.0.0.1:8080}. */
    public static final String SIWE_DOMAIN = "SIWE_DOMAIN";
    public static final String SIWE_URI = "SIWE_URI";
    public static final String CHAIN_ID = "CHAIN_ID";
    /** Base64 of at least 32 random bytes: the HMAC key of session tokens. */
    public static final String TOKEN_SECRET = "TOKEN_SECRET";
    /** In AWS: the Secrets Manager secret holding {@link #TOKEN_SECRET}'s value (so it is never in the template). */
    public static final String TOKEN_SECRET_ARN = "TOKEN_SECRET_ARN";
    public static final String TOKEN_TTL_MINUTES = "TOKEN_TTL_MINUTES";
    /** Comma-separated wallet addresses that get the operator role. */
    public static final String OPERATORS = "OPERATORS";
    /** {@code kms:<key id or ARN>} in AWS, {@code file:<path>} on the local runtime. */
    public static final String ROUND_KEY_PROTECTION = "ROUND_KEY_PROTECTION";
    /** Endpoint overrides for the stand-ins; unset in AWS. */
    public static final String ENDPOINT_DYNAMODB = "CONFLUX_ENDPOINT_DYNAMODB";
    public static final String ENDPOINT_S3 = "CONFLUX_ENDPOINT_S3";
    public static final String ENDPOINT_SQS = "CONFLUX_ENDPOINT_SQS";
    public static final String ENDPOINT_KMS = "CONFLUX_ENDPOINT_KMS";
    public static final String ENDPOINT_SFN = "CONFLUX_ENDPOINT_SFN";
    /** Where presigned URLs point, when traders reach S3 by another address than the functions do. */
    public static final String PUBLIC_ENDPOINT_S3 = "CONFLUX_PUBLIC_ENDPOINT_S3";

    /** Round policy defaults, for rounds opened without one (see {@link io.conflux.rounds.RoundPolicy}). */
    public static final String ROUND_MIN_UPDATES = "ROUND_MIN_UPDATES";
    public static final String ROUND_MAX_UPDATES = "ROUND_MAX_UPDATES";
    public static final String ROUND_RULE = "ROUND_RULE";
    /** {@code market:from/to}, e.g. {@code btc-usdt-1h:2021-06-01T00:00:00Z/2021-09-30T00:00:00Z}. */
    public static final String ROUND_VALIDATION = "ROUND_VALIDATION";
    public static final String ROUND_SCORE_BUDGET = "ROUND_SCORE_BUDGET";
    public static final String ROUND_SEED = "ROUND_SEED";
    /** The round workflow's fan-out and timing (see {@link io.conflux.federation.RoundWorkflow.Settings}). */
    public static final String ROUND_BATCH_SIZE = "ROUND_BATCH_SIZE";
    public static final String ROUND_SHARD_BUDGET_FLOATS = "ROUND_SHARD_BUDGET_FLOATS";
    public static final String ROUND_GRACE_SECONDS = "ROUND_GRACE_SECONDS";
    public static final String ROUND_MAX_WAIT_SECONDS = "ROUND_MAX_WAIT_SECONDS";
    /** The round state machine, started when a round opens (unset: rounds open without a workflow). */
    public static final String ROUND_STATE_MACHINE_ARN = "ROUND_STATE_MACHINE_ARN";
    /** How long a presigned model download URL stays valid. */
    public static final String MODEL_URL_TTL_SECONDS = "MODEL_URL_TTL_SECONDS";
    /** Hex secp256k1 key that signs aggregation receipts (local); in AWS {@link #PLATFORM_KEY_ARN} names its secret. */
    public static final String PLATFORM_KEY = "PLATFORM_KEY";
    public static final String PLATFORM_KEY_ARN = "PLATFORM_KEY_ARN";
}
