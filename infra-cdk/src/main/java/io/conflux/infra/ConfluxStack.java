package io.conflux.infra;

import io.conflux.federation.RoundStep;
import io.conflux.resources.BucketSpec;
import io.conflux.resources.ConfluxResources;
import io.conflux.resources.QueueSpec;
import io.conflux.resources.TableSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpLambdaResponseType;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpNoneAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * The Conflux stack. Reads top to bottom as the architecture: keys and state (tables, buckets, queues), then the
 * functions and what each may touch, the round workflow, the schedules, the HTTP API, and last what operators
 * watch ({@link Monitoring}). Resource names and keys come from {@link ConfluxResources}, which the local runtime
 * provisions from too; the round workflow is {@link RoundStateMachine}, which the local runtime runs too.
 * <p>Secure by default: every bucket private, KMS-encrypted and TLS-only with access logs; every table with
 * point-in-time recovery; every queue with a dead-letter queue; each function with its own role holding only its
 * grants and its own log group; secrets only as Secrets Manager ARNs. At rest it costs what is stored and the
 * KMS keys and secrets (see the README): everything else is per request.
 */
public final class ConfluxStack extends Stack {
    static final String API_HANDLER = "io.conflux.api.ApiHandler";
    static final String AUTHORIZER_HANDLER = "io.conflux.api.SessionAuthorizer::handleRequest";
    static final String INGEST_HANDLER = "io.conflux.ingest.IngestHandler::handleRequest";
    static final String ROUND_HANDLER = "io.conflux.round.RoundHandler::handleRequest";
    static final String TRADE_HANDLER = "io.conflux.trade.TradeHandler::handleRequest";
    static final String SETTLE_HANDLER = "io.conflux.settle.SettleHandler::handleRequest";
    /** Lambda's largest /tmp. SnapStart does not support more than 512 MB of /tmp, so the score step runs without it. */
    static final int SCORE_EPHEMERAL_MIB = 10240;
    static final int SNAPSTART_MAX_EPHEMERAL_MIB = 512;
    /** How many decode or reduce tasks of one round run at once. */
    public static final int ROUND_MAP_CONCURRENCY = 20;
    /** The alias every caller invokes: the published version SnapStart restores. */
    static final String LIVE = "live";
    /** Routes anyone may call: signing in, the settlement record (public, like the chain it mirrors), the OpenAPI document. */
    static final List<String> PUBLIC_ROUTES = List.of("POST /auth/nonce", "POST /auth/login", "GET /epochs", "GET /epochs/{epoch}",
            "GET /openapi.json");

    /** A deployed function: the function (its role takes the grants), the alias callers invoke, and its log group. */
    public record Lambda(Function function, Alias live, LogGroup logs) {}

    private final StackConfig config;
    private final Map<TableSpec, Table> tables = new HashMap<>();
    private final Map<String, Lambda> functions = new LinkedHashMap<>();
    private final Key dataKey;
    private final Key roundKeys;

    public ConfluxStack(Construct scope, String id, StackProps props, StackConfig config) {
        super(scope, id, props);
        this.config = config;
        // S3 access-log delivery by bucket policy, not by the legacy log-delivery ACL (ACLs stay disabled everywhere)
        getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);

        // ---- keys and state ------------------------------------------------------------------------------------
        dataKey = Key.Builder.create(this, "DataKey").description("Conflux " + config.stage() + ": encrypts the buckets and the alarm topic")
                .enableKeyRotation(true).removalPolicy(RemovalPolicy.RETAIN).build();
        roundKeys = Key.Builder.create(this, "RoundKeyProtection").description("Conflux " + config.stage() + ": wraps each round's update-decryption key")
                .enableKeyRotation(true).removalPolicy(RemovalPolicy.RETAIN).build();
        for (TableSpec spec : ConfluxResources.tables()) tables.put(spec, createTable(spec));
        Bucket accessLogs = createAccessLogBucket();
        Bucket updates = createBucket(ConfluxResources.UPDATES_BUCKET, accessLogs);
        Bucket models = createBucket(ConfluxResources.MODELS_BUCKET, accessLogs);
        Bucket work = createBucket(ConfluxResources.WORK_BUCKET, accessLogs);
        Queue ingestQueue = createQueueWithDlq(ConfluxResources.INGEST_QUEUE);
        updates.addEventNotification(EventType.OBJECT_CREATED, new software.amazon.awscdk.services.s3.notifications.SqsDestination(ingestQueue),
                NotificationKeyFilter.builder().prefix("rounds/").build());
        // failed asynchronous invocations (the schedules' ticks and settlements) and undeliverable schedule events
        Queue asyncFailures = Queue.Builder.create(this, "AsyncFailures").queueName("conflux-" + config.stage() + "-async-failures")
                .retentionPeriod(Duration.days(14)).encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).build();
        deployMarketData(models);

        Secret tokenSecret = Secret.Builder.create(this, "SessionTokenSecret").description("Conflux: HMAC key of session tokens (base64)")
                .generateSecretString(SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build()).build();
        Secret platformKey = Secret.Builder.create(this, "PlatformKey")
                .description("Conflux: hex secp256k1 key that signs aggregation receipts (set the value after deploy)").build();

        // ---- the API and its authorizer -----------------------------------------------------------------------
        Lambda api = createFunction("Api", "api", API_HANDLER, Sizing.API);
        grantApi(api.function(), updates, models, tokenSecret);
        Lambda authorizer = createFunction("Authorizer", "api", AUTHORIZER_HANDLER, Sizing.AUTHORIZER);
        tokenSecret.grantRead(authorizer.function());
        authorizer.function().addEnvironment(Settings.TOKEN_SECRET_ARN, tokenSecret.getSecretArn());

        // ---- ingest -------------------------------------------------------------------------------------------
        Lambda ingest = createFunction("Ingest", "ingest", INGEST_HANDLER, Sizing.INGEST);
        grantIngest(ingest.function(), updates);
        ingest.live().addEventSource(new SqsEventSource(ingestQueue, SqsEventSourceProps.builder()
                .batchSize(10).reportBatchItemFailures(true).build()));

        // ---- the round workflow -------------------------------------------------------------------------------
        Map<RoundStep, IFunction> steps = createRoundFunctions(updates, models, work, platformKey);
        StateMachine rounds = StateMachine.Builder.create(this, "RoundWorkflow").stateMachineName("conflux-" + config.stage() + "-round")
                .definitionBody(RoundStateMachine.definition(this, steps, ROUND_MAP_CONCURRENCY))
                .tracingEnabled(true)
                .logs(LogOptions.builder().destination(LogGroup.Builder.create(this, "RoundWorkflowLogs")
                        .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build())
                        .level(LogLevel.ALL).includeExecutionData(false).build())
                .build();
        // opening a round starts its execution (named after the round)
        api.function().addEnvironment(Settings.ROUND_STATE_MACHINE_ARN, rounds.getStateMachineArn());
        rounds.grantStartExecution(api.function());

        // ---- the agent and settlement, on schedules -----------------------------------------------------------
        Lambda trade = createTradeFunction(models, asyncFailures);
        Lambda settle = null;
        if (config.settlement() != null) {
            settle = createSettleFunction(asyncFailures, config.settlement());
            api.function().addEnvironment("CONFLUX_VAULT", config.settlement().vault().toLowerCase(Locale.ROOT));
            for (TableSpec t : List.of(ConfluxResources.SETTLEMENTS, ConfluxResources.ALLOCATIONS)) tables.get(t).grantReadData(api.function());
        }

        // ---- the HTTP API -------------------------------------------------------------------------------------
        HttpApi http = createHttpApi(api, authorizer);

        // ---- what operators watch -----------------------------------------------------------------------------
        new Monitoring(this, "Monitoring", new Monitoring.Watched(config.stage(), dataKey, functions, rounds, List.of(
                new Monitoring.DeadLetters("ingest", ingestQueue.getDeadLetterQueue().getQueue()),
                new Monitoring.DeadLetters("async invocations", asyncFailures)), http, settle, config.ops().alarmEmail()));
        NagRules.apply(this);

        CfnOutput.Builder.create(this, "ApiUrl").value(http.getApiEndpoint()).build();
        CfnOutput.Builder.create(this, "RoundStateMachineArn").value(rounds.getStateMachineArn()).build();
        CfnOutput.Builder.create(this, "UpdatesBucketName").value(updates.getBucketName()).build();
        CfnOutput.Builder.create(this, "ModelsBucketName").value(models.getBucketName()).build();
        CfnOutput.Builder.create(this, "PlatformKeySecret").value(platformKey.getSecretArn()).build();
    }

    /** The functions by their id (Api, Ingest, Round-COLLECT, Trade, ...). */
    public Map<String, Lambda> functions() {
        return java.util.Collections.unmodifiableMap(functions);
    }

    /** The settings the functions read (the names live in the functions' own Settings; repeated here as the stack's contract). */
    private static final class Settings {
        static final String TOKEN_SECRET_ARN = "TOKEN_SECRET_ARN";
        static final String ROUND_STATE_MACHINE_ARN = "ROUND_STATE_MACHINE_ARN";
    }

    // ---- state ----------------------------------------------------------------------------------------------------

    private Table createTable(TableSpec spec) {
        Table.Builder b = Table.Builder.create(this, "Table-" + spec.logicalName())
                .tableName(spec.physicalName(config.stage()))
                .partitionKey(Attribute.builder().name(spec.partitionKey()).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(RemovalPolicy.RETAIN);
        if (spec.sortKey() != null) b.sortKey(Attribute.builder().name(spec.sortKey()).type(AttributeType.STRING).build());
        if (spec.ttlAttribute() != null) b.timeToLiveAttribute(spec.ttlAttribute());
        Table table = b.build();
        for (TableSpec.IndexSpec i : spec.indexes()) {
            table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(i.name())
                    .partitionKey(Attribute.builder().name(i.partitionKey()).type(AttributeType.STRING).build())
                    .sortKey(Attribute.builder().name(i.sortKey()).type(AttributeType.STRING).build()).build());
        }
        return table;
    }

    /** Where the buckets' server access logs go: S3-managed encryption, because S3 log delivery cannot write to SSE-KMS. */
    private Bucket createAccessLogBucket() {
        return Bucket.Builder.create(this, "AccessLogs")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL).encryption(BucketEncryption.S3_MANAGED).enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(365)).build()))
                .removalPolicy(RemovalPolicy.RETAIN).build();
    }

    /** A private, KMS-encrypted, TLS-only, access-logged bucket as its spec says (versioned, expiring). */
    private Bucket createBucket(BucketSpec spec, Bucket accessLogs) {
        List<LifecycleRule> rules = new ArrayList<>();
        rules.add(LifecycleRule.builder().id("abort-incomplete-uploads").abortIncompleteMultipartUploadAfter(Duration.days(1)).build());
        if (spec.expireAfterDays() > 0) rules.add(LifecycleRule.builder().id("expire").expiration(Duration.days(spec.expireAfterDays())).build());
        if (spec.versioned()) rules.add(LifecycleRule.builder().id("expire-replaced-versions").noncurrentVersionExpiration(Duration.days(365)).build());
        return Bucket.Builder.create(this, "Bucket-" + spec.logicalName())
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.KMS).encryptionKey(dataKey).bucketKeyEnabled(true)
                .enforceSsl(true)
                .versioned(spec.versioned())
                .lifecycleRules(rules)
                .serverAccessLogsBucket(accessLogs).serverAccessLogsPrefix(spec.logicalName() + "/")
                .removalPolicy(RemovalPolicy.RETAIN).build();
    }

    /** The shipped public candles, to {@code market/} of the models bucket, where evaluation reads them. */
    private void deployMarketData(Bucket models) {
        BucketDeployment.Builder.create(this, "MarketData")
                .sources(List.of(Source.asset(config.marketData().toString(), software.amazon.awscdk.services.s3.assets.AssetOptions.builder()
                        .exclude(List.of("*.md")).build())))
                .destinationBucket(models).destinationKeyPrefix("market/").prune(false).retainOnDelete(true)
                .memoryLimit(512).build();
    }

    private Queue createQueueWithDlq(QueueSpec spec) {
        Queue dlq = Queue.Builder.create(this, "Queue-" + spec.logicalName() + "-dlq").queueName(spec.dlqPhysicalName(config.stage()))
                .retentionPeriod(Duration.seconds(spec.dlqRetention().toSeconds())).encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true).build();
        return Queue.Builder.create(this, "Queue-" + spec.logicalName()).queueName(spec.physicalName(config.stage()))
                .visibilityTimeout(Duration.seconds(spec.visibilityTimeout().toSeconds())).encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true).deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(spec.maxReceiveCount()).build())
                .build();
    }

    // ---- functions ------------------------------------------------------------------------------------------------

    /**
     * Memory and timeout per function, from measurements on this project's 2-core machine (bench/README.md), not
     * yet from Lambda itself. Lambda gives CPU in proportion to memory (1,769 MB = one vCPU), so CPU-bound steps get
     * more than their heap needs.
     */
    enum Sizing {
        /** Micronaut's context (~7,000 classes) and a DynamoDB read per request; heap well under 256 MB. */
        API(1024, Duration.seconds(15)),
        /** An HMAC check. */
        AUTHORIZER(512, Duration.seconds(5)),
        /** One 1M-parameter update: 26 MB allocated, 36 MB heap peak, 125 ms on 2 cores; CPU-bound (HPKE, hashing). */
        INGEST(1536, Duration.seconds(ConfluxResources.INGEST_TIMEOUT.toSeconds())),
        /** Plans, waits, records: DynamoDB only. */
        ROUND_CONTROL(512, Duration.minutes(15)),
        /** Decode of 64 updates (55 ms each once warm), reduce shards of 32 MB per worker, combine. */
        ROUND_DATA(2048, Duration.minutes(15)),
        /** Evaluation and scoring: ONNX Runtime over the validation window, the round's updates mapped from /tmp. */
        ROUND_MODEL(3008, Duration.minutes(15)),
        /** Publish, plus a backtest of the published model (37k-53k candles/s). */
        ROUND_PUBLISH(2048, Duration.minutes(15)),
        /** A warm tick takes 2 ms; the first loads ONNX Runtime (28 MB native) and the model. */
        TRADE(2048, Duration.minutes(2)),
        /** web3j, a Merkle tree over the epoch's traders, and waiting for receipts. */
        SETTLE(1024, Duration.minutes(5));

        final int memoryMb;
        final Duration timeout;

        Sizing(int memoryMb, Duration timeout) {
            this.memoryMb = memoryMb;
            this.timeout = timeout;
        }
    }

    private Lambda createFunction(String id, String module, String handler, Sizing sizing) {
        return createFunction(id, module, handler, sizing, id.toLowerCase(Locale.ROOT), 0);
    }

    /**
     * A Java 21 function on arm64 (ONNX Runtime's jar carries linux-aarch64 natives), with its own role and log group,
     * X-Ray tracing, SnapStart unless its /tmp is too large for it, and the {@link #LIVE} alias that callers invoke.
     */
    private Lambda createFunction(String id, String module, String handler, Sizing sizing, String nameSuffix, int ephemeralMib) {
        String name = "conflux-" + config.stage() + "-" + nameSuffix;
        Map<String, String> env = new HashMap<>();
        env.put("CONFLUX_STAGE", config.stage());
        for (TableSpec spec : ConfluxResources.tables()) env.put(spec.envVar(), tables.get(spec).getTableName());
        env.put("SIWE_DOMAIN", config.siweDomain());
        env.put("CHAIN_ID", Long.toString(config.chainId()));
        env.put("OPERATORS", config.operators());
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        LogGroup logs = LogGroup.Builder.create(this, id + "-Logs").logGroupName("/aws/lambda/" + name)
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
        Role role = Role.Builder.create(this, id + "-Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(name + ": only what this function touches").build();
        logs.grantWrite(role);
        boolean snapStart = ephemeralMib <= SNAPSTART_MAX_EPHEMERAL_MIB;
        Function.Builder b = Function.Builder.create(this, id).functionName(name)
                .runtime(Runtime.JAVA_21).architecture(Architecture.ARM_64).handler(handler)
                .code(Code.fromAsset(config.lambdaJar(module).toString()))
                .memorySize(sizing.memoryMb).timeout(sizing.timeout).environment(env)
                .role(role).logGroup(logs).tracing(Tracing.ACTIVE);
        if (snapStart) b.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        Function fn = b.build();
        if (snapStart) {
            software.amazon.awscdk.Annotations.of(fn).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "every caller invokes the live alias, on the version published from currentVersion");
        }
        if (ephemeralMib > 0) {
            ((software.amazon.awscdk.services.lambda.CfnFunction) fn.getNode().getDefaultChild())
                    .setEphemeralStorage(software.amazon.awscdk.services.lambda.CfnFunction.EphemeralStorageProperty.builder().size(ephemeralMib).build());
        }
        Alias live = Alias.Builder.create(this, id + "-Live").aliasName(LIVE).version(fn.getCurrentVersion()).build();
        Lambda lambda = new Lambda(fn, live, logs);
        functions.put(id, lambda);
        return lambda;
    }

    /** For the functions that open rounds or handle updates: the updates bucket's name and the round keys' protection. */
    private void touchesUpdates(Function fn, Bucket updates) {
        fn.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
        fn.addEnvironment("ROUND_KEY_PROTECTION", "kms:" + roundKeys.getKeyArn());
    }

    /** Sign-in, rounds, models, the agent's record, settlements, and upload URLs (signed with this role: it may put updates, only). */
    private void grantApi(Function api, Bucket updates, Bucket models, Secret tokenSecret) {
        for (TableSpec t : List.of(ConfluxResources.TRADERS, ConfluxResources.NONCES, ConfluxResources.ROUNDS, ConfluxResources.UPDATES)) {
            tables.get(t).grantReadWriteData(api);
        }
        for (TableSpec t : List.of(ConfluxResources.MODELS, ConfluxResources.SCORES, ConfluxResources.AGENT)) tables.get(t).grantReadData(api);
        updates.grantPut(api, "rounds/*");
        touchesUpdates(api, updates);
        for (String prefix : List.of("onnx/*", "parameters/*", "receipts/*", "backtests/*")) models.grantRead(api, prefix);
        roundKeys.grantEncrypt(api);
        tokenSecret.grantRead(api);
        api.addEnvironment(Settings.TOKEN_SECRET_ARN, tokenSecret.getSecretArn());
        api.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
    }

    /** Reads uploads, unwraps round keys, writes verdicts and content claims. */
    private void grantIngest(Function ingest, Bucket updates) {
        tables.get(ConfluxResources.ROUNDS).grantReadData(ingest);
        tables.get(ConfluxResources.TRADERS).grantReadData(ingest);
        tables.get(ConfluxResources.UPDATES).grantReadWriteData(ingest);
        tables.get(ConfluxResources.CLAIMS).grantReadWriteData(ingest);
        updates.grantRead(ingest, "rounds/*");
        touchesUpdates(ingest, updates);
        roundKeys.grantDecrypt(ingest);
    }

    /**
     * One function per round step (the same jar, the step in {@link RoundStep#ENV}), each with what it touches and no
     * more: decode alone reads uploads and unwraps round keys; publish alone writes the models bucket and the registry.
     */
    private Map<RoundStep, IFunction> createRoundFunctions(Bucket updates, Bucket models, Bucket work, Secret platformKey) {
        Map<RoundStep, IFunction> out = new EnumMap<>(RoundStep.class);
        for (RoundStep step : RoundStep.values()) {
            Sizing sizing = switch (step) {
                case DECODE, REDUCE, COMBINE -> Sizing.ROUND_DATA;
                case EVALUATE, SCORE -> Sizing.ROUND_MODEL;
                case PUBLISH -> Sizing.ROUND_PUBLISH;
                default -> Sizing.ROUND_CONTROL;
            };
            // Score maps every accepted update into /tmp (K x P float32): 10 GiB holds 2,500 updates of 1M parameters
            int ephemeral = step == RoundStep.SCORE ? SCORE_EPHEMERAL_MIB : 0;
            Lambda lambda = createFunction("Round-" + step.name(), "round", ROUND_HANDLER, sizing, step.functionName(), ephemeral);
            Function fn = lambda.function();
            fn.addEnvironment(RoundStep.ENV, step.name());
            touchesUpdates(fn, updates);
            fn.addEnvironment(ConfluxResources.WORK_BUCKET.envVar(), work.getBucketName());
            fn.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
            fn.addEnvironment("PLATFORM_KEY_ARN", platformKey.getSecretArn());
            tables.get(ConfluxResources.ROUNDS).grantReadData(fn);
            // the round's plan and intermediate files: every step from Close on (Collect, NoQuorum and Fail never read them)
            if (step != RoundStep.COLLECT && step != RoundStep.NO_QUORUM && step != RoundStep.FAIL) work.grantRead(fn, "rounds/*");
            switch (step) {
                case COLLECT -> tables.get(ConfluxResources.UPDATES).grantReadData(fn);
                case CLOSE -> {
                    tables.get(ConfluxResources.ROUNDS).grantReadWriteData(fn);
                    tables.get(ConfluxResources.UPDATES).grantReadData(fn);
                    work.grantPut(fn, "rounds/*");
                }
                case NO_QUORUM, FAIL -> {
                    tables.get(ConfluxResources.ROUNDS).grantReadWriteData(fn);
                    tables.get(ConfluxResources.UPDATES).grantReadData(fn);
                }
                case DECODE -> {
                    tables.get(ConfluxResources.UPDATES).grantReadData(fn);
                    updates.grantRead(fn, "rounds/*");
                    roundKeys.grantDecrypt(fn);
                    work.grantPut(fn, "rounds/*");
                }
                case REDUCE, COMBINE -> {
                    work.grantPut(fn, "rounds/*");
                    models.grantRead(fn, "parameters/*");
                }
                case EVALUATE, SCORE -> {
                    work.grantPut(fn, "rounds/*");
                    models.grantRead(fn, "parameters/*");
                    models.grantRead(fn, "market/*");
                    if (step == RoundStep.SCORE) tables.get(ConfluxResources.SCORES).grantReadWriteData(fn);
                }
                case PUBLISH -> {
                    for (String prefix : List.of("onnx/*", "parameters/*", "receipts/*", "backtests/*")) models.grantReadWrite(fn, prefix);
                    models.grantRead(fn, "market/*");
                    tables.get(ConfluxResources.MODELS).grantReadWriteData(fn);
                    tables.get(ConfluxResources.ROUNDS).grantReadWriteData(fn);
                    platformKey.grantRead(fn);
                }
            }
            out.put(step, lambda.live());
        }
        return out;
    }

    /**
     * The trading agent: one function, started by an EventBridge schedule for each market (input {"market", "time"}).
     * It reads the registry, the rounds and the model files, and owns the agent table. Candles come from the exchange's
     * public REST endpoint. At most one runs at a time (reserved concurrency 1): a tick never races another into an
     * exchange order.
     */
    private Lambda createTradeFunction(Bucket models, Queue asyncFailures) {
        StackConfig.Agent agent = config.agent();
        Lambda trade = createFunction("Trade", "trade", TRADE_HANDLER, Sizing.TRADE);
        Function fn = trade.function();
        fn.addEnvironment("CONFLUX_AGENT_MARKETS", agent.markets());
        fn.addEnvironment("CONFLUX_FEED", "exchange:https://api.binance.com");
        fn.addEnvironment("CONFLUX_AGENT_FEE_BPS", Double.toString(agent.feeBps()));
        fn.addEnvironment("CONFLUX_BROKER", agent.broker());
        fn.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
        if (agent.broker().startsWith("binance:")) {
            Secret keys = Secret.Builder.create(this, "ExchangeKeys")
                    .description("Conflux: the exchange API key, JSON {\"apiKey\", \"apiSecret\"} (set the value after deploy)").build();
            keys.grantRead(fn);
            fn.addEnvironment("CONFLUX_BROKER_SECRET_ARN", keys.getSecretArn());
        }
        fn.addEnvironment("CONFLUX_ADVISOR", agent.advisor());
        switch (agent.advisor()) {
            case "openai" -> {
                Secret key = Secret.Builder.create(this, "AdvisorKey")
                        .description("Conflux: the LLM endpoint's API key (set the value after deploy)").build();
                key.grantRead(fn);
                fn.addEnvironment("CONFLUX_ADVISOR_API_KEY_ARN", key.getSecretArn());
                fn.addEnvironment("CONFLUX_ADVISOR_URL", agent.advisorUrl());
                fn.addEnvironment("CONFLUX_ADVISOR_MODEL", agent.advisorModel());
            }
            case "bedrock" -> {
                fn.addEnvironment("CONFLUX_ADVISOR_MODEL", agent.advisorModel());
                fn.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of("bedrock:InvokeModel"))
                        .resources(List.of("arn:" + getPartition() + ":bedrock:" + getRegion() + "::foundation-model/" + agent.advisorModel())).build());
            }
            default -> { }
        }
        tables.get(ConfluxResources.AGENT).grantReadWriteData(fn);
        tables.get(ConfluxResources.MODELS).grantReadData(fn);
        tables.get(ConfluxResources.ROUNDS).grantReadData(fn);
        models.grantRead(fn, "parameters/*");
        models.grantRead(fn, "market/*");
        limitToOneAtATime(fn);
        onAsyncFailure(trade, asyncFailures);
        for (String market : agent.marketNames()) {
            Rule.Builder.create(this, "Tick-" + market)
                    .ruleName("conflux-" + config.stage() + "-tick-" + market.toLowerCase(Locale.ROOT))
                    .schedule(Schedule.expression(agent.tickSchedule()))
                    .targets(List.of(LambdaFunction.Builder.create(trade.live())
                            .event(RuleTargetInput.fromObject(Map.of("market", market,
                                    "time", software.amazon.awscdk.services.events.EventField.getTime())))
                            .deadLetterQueue(asyncFailures).retryAttempts(2).maxEventAge(Duration.minutes(15)).build()))
                    .build();
        }
        return trade;
    }

    /**
     * Settlement: on its schedule (by default ten past every hour, after the agent's tick), every closed epoch not yet
     * settled is recorded and settled on-chain, and the vault's claims are indexed. It reads the agent's books, the
     * models and the scores, owns the settlement tables, and signs with the settler's key from Secrets Manager (set its
     * value after deploy: the account that holds the settler role and the profits to bring in). One at a time.
     */
    private Lambda createSettleFunction(Queue asyncFailures, StackConfig.Settlement chain) {
        Lambda settle = createFunction("Settle", "settle", SETTLE_HANDLER, Sizing.SETTLE);
        Function fn = settle.function();
        fn.addEnvironment("CONFLUX_AGENT_MARKETS", config.agent().markets());
        fn.addEnvironment("CONFLUX_CHAIN_RPC", chain.chainRpc());
        fn.addEnvironment("CONFLUX_VAULT", chain.vault());
        fn.addEnvironment("CONFLUX_REGISTRY", chain.registry());
        fn.addEnvironment("CONFLUX_TOKEN", chain.token());
        fn.addEnvironment("CONFLUX_VAULT_BLOCK", Long.toString(chain.vaultBlock()));
        Secret settlerKey = Secret.Builder.create(this, "SettlerKey")
                .description("Conflux: hex secp256k1 key of the settler account (set the value after deploy)").build();
        settlerKey.grantRead(fn);
        fn.addEnvironment("CONFLUX_SETTLER_KEY_ARN", settlerKey.getSecretArn());
        for (TableSpec t : List.of(ConfluxResources.AGENT, ConfluxResources.MODELS, ConfluxResources.SCORES)) tables.get(t).grantReadData(fn);
        for (TableSpec t : List.of(ConfluxResources.SETTLEMENTS, ConfluxResources.ALLOCATIONS)) tables.get(t).grantReadWriteData(fn);
        limitToOneAtATime(fn);
        onAsyncFailure(settle, asyncFailures);
        Rule.Builder.create(this, "SettleSchedule")
                .ruleName("conflux-" + config.stage() + "-settle")
                .schedule(Schedule.expression(chain.schedule()))
                .targets(List.of(LambdaFunction.Builder.create(settle.live())
                        .event(RuleTargetInput.fromObject(Map.of()))
                        .deadLetterQueue(asyncFailures).retryAttempts(2).maxEventAge(Duration.minutes(30)).build()))
                .build();
        return settle;
    }

    private void limitToOneAtATime(Function fn) {
        if (config.ops().reservedConcurrency()) {
            ((software.amazon.awscdk.services.lambda.CfnFunction) fn.getNode().getDefaultChild()).setReservedConcurrentExecutions(1);
        }
    }

    /** A scheduled invocation that still fails after Lambda's two retries lands in the failures queue (alarmed). */
    private void onAsyncFailure(Lambda lambda, Queue failures) {
        lambda.live().configureAsyncInvoke(software.amazon.awscdk.services.lambda.EventInvokeConfigOptions.builder()
                .onFailure(new software.amazon.awscdk.services.lambda.destinations.SqsDestination(failures))
                .retryAttempts(2).maxEventAge(Duration.hours(1)).build());
    }

    // ---- the HTTP API -----------------------------------------------------------------------------------------------

    /**
     * API Gateway v2: every route goes to the API function's alias; all but {@link #PUBLIC_ROUTES} pass the sign-in
     * authorizer first (its answer cached 5 minutes per token; the API checks the token again). Throttled, CORS for
     * the configured origins, access-logged.
     */
    private HttpApi createHttpApi(Lambda api, Lambda authorizer) {
        HttpLambdaAuthorizer signIn = HttpLambdaAuthorizer.Builder.create("SignIn", authorizer.live())
                .responseTypes(List.of(HttpLambdaResponseType.SIMPLE))
                .identitySource(List.of("$request.header.Authorization"))
                .resultsCacheTtl(Duration.minutes(5)).build();
        HttpLambdaIntegration integration = new HttpLambdaIntegration("ApiIntegration", api.live());
        HttpApi http = HttpApi.Builder.create(this, "HttpApi").apiName("conflux-" + config.stage())
                .createDefaultStage(false)
                .defaultIntegration(integration)
                .defaultAuthorizer(signIn)
                .corsPreflight(CorsPreflightOptions.builder().allowOrigins(config.api().corsOrigins())
                        .allowMethods(List.of(CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS))
                        .allowHeaders(List.of("authorization", "content-type")).maxAge(Duration.days(1)).build())
                .build();
        for (String route : PUBLIC_ROUTES) {
            String[] mp = route.split(" ");
            http.addRoutes(AddRoutesOptions.builder().path(mp[1]).methods(List.of(HttpMethod.valueOf(mp[0])))
                    .integration(integration).authorizer(new HttpNoneAuthorizer()).build());
        }
        LogGroup access = LogGroup.Builder.create(this, "HttpApiAccessLogs").retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY).build();
        HttpStage.Builder.create(this, "HttpApiStage").httpApi(http).stageName("$default").autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(config.api().rateLimit()).burstLimit(config.api().burstLimit()).build())
                .accessLogSettings(new software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings() {
                    @Override
                    public software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination getDestination() {
                        return new LogGroupLogDestination(access);
                    }
                })
                .detailedMetricsEnabled(true)
                .build();
        return http;
    }
}
