package io.conflux.infra;

import io.conflux.federation.RoundStep;
import io.conflux.resources.BucketSpec;
import io.conflux.resources.ConfluxResources;
import io.conflux.resources.QueueSpec;
import io.conflux.resources.TableSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.SqsDestination;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The Conflux stack. Reads top to bottom as the architecture: state (tables, bucket, queue, keys),
 * then the functions and what each may touch, then the HTTP API. Resource names and keys come from
 * {@link ConfluxResources}, which the local runtime provisions from too.
 */
public final class ConfluxStack extends Stack {
    static final String API_HANDLER = "io.conflux.api.ApiHandler";
    /** Lambda's largest /tmp. */
    static final int SCORE_EPHEMERAL_MIB = 10240;
    static final String INGEST_HANDLER = "io.conflux.ingest.IngestHandler::handleRequest";
    static final String ROUND_HANDLER = "io.conflux.round.RoundHandler::handleRequest";
    static final String TRADE_HANDLER = "io.conflux.trade.TradeHandler::handleRequest";
    static final String SETTLE_HANDLER = "io.conflux.settle.SettleHandler::handleRequest";
    /** The markets the agent trades, each with the name of its candles (the interval last). */
    static final String AGENT_MARKETS = "BTC-USDT=btc-usdt-1h";
    /** How many decode or reduce tasks of one round run at once. */
    static final int ROUND_MAP_CONCURRENCY = 20;

    private final StackConfig config;
    private final Map<TableSpec, Table> tables = new HashMap<>();

    public ConfluxStack(Construct scope, String id, StackProps props, StackConfig config) {
        super(scope, id, props);
        this.config = config;

        for (TableSpec spec : ConfluxResources.tables()) tables.put(spec, createTable(spec));
        Key roundKeys = createRoundKeyProtection();
        Bucket updates = createBucket(ConfluxResources.UPDATES_BUCKET);
        Queue ingestQueue = createQueueWithDlq(ConfluxResources.INGEST_QUEUE);
        updates.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(ingestQueue),
                NotificationKeyFilter.builder().prefix("rounds/").build());
        Secret tokenSecret = createTokenSecret();

        Function api = createFunction("Api", "api", API_HANDLER, 1024, Duration.seconds(15), roundKeys);
        grantApi(api, updates, roundKeys, tokenSecret);
        Function ingest = createFunction("Ingest", "ingest", INGEST_HANDLER, 1536,
                Duration.seconds(ConfluxResources.INGEST_TIMEOUT.toSeconds()), roundKeys);
        grantIngest(ingest, updates, roundKeys);
        ingest.addEventSource(new SqsEventSource(ingestQueue, software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps.builder()
                .batchSize(10).reportBatchItemFailures(true).build()));

        Bucket models = createBucket(ConfluxResources.MODELS_BUCKET);
        Bucket work = createBucket(ConfluxResources.WORK_BUCKET);
        Secret platformKey = Secret.Builder.create(this, "PlatformKey")
                .description("Conflux: hex secp256k1 key that signs aggregation receipts (set the value after deploy)").build();
        Map<RoundStep, IFunction> steps = createRoundFunctions(updates, models, work, roundKeys, platformKey);
        StateMachine rounds = StateMachine.Builder.create(this, "RoundWorkflow").stateMachineName("conflux-" + config.stage() + "-round")
                .definitionBody(RoundStateMachine.definition(this, steps, ROUND_MAP_CONCURRENCY))
                .tracingEnabled(true)
                .logs(LogOptions.builder().destination(LogGroup.Builder.create(this, "RoundWorkflowLogs")
                        .retention(RetentionDays.ONE_MONTH).build()).level(LogLevel.ALL).includeExecutionData(false).build())
                .build();
        api.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
        models.grantRead(api, "onnx/*");
        models.grantRead(api, "parameters/*");
        models.grantRead(api, "receipts/*");
        models.grantRead(api, "backtests/*");
        for (TableSpec t : List.of(ConfluxResources.MODELS, ConfluxResources.SCORES, ConfluxResources.AGENT)) tables.get(t).grantReadData(api);
        // opening a round starts its execution (named after the round)
        api.addEnvironment("ROUND_STATE_MACHINE_ARN", rounds.getStateMachineArn());
        rounds.grantStartExecution(api);
        CfnOutput.Builder.create(this, "RoundStateMachineArn").value(rounds.getStateMachineArn()).build();

        createTradeFunction(models, updates, roundKeys);
        if (config.settlement() != null) {
            createSettleFunction(updates, roundKeys, config.settlement());
            api.addEnvironment("CONFLUX_VAULT", config.settlement().vault().toLowerCase(java.util.Locale.ROOT));
            for (TableSpec t : List.of(ConfluxResources.SETTLEMENTS, ConfluxResources.ALLOCATIONS)) tables.get(t).grantReadData(api);
        }

        HttpApi http = HttpApi.Builder.create(this, "HttpApi").apiName("conflux-" + config.stage())
                .defaultIntegration(new HttpLambdaIntegration("ApiIntegration", api)).build();
        CfnOutput.Builder.create(this, "ApiUrl").value(http.getApiEndpoint()).build();
        CfnOutput.Builder.create(this, "UpdatesBucketName").value(updates.getBucketName()).build();
    }

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

    /** Wraps each round's HPKE private key (encryption context = round id). */
    private Key createRoundKeyProtection() {
        return Key.Builder.create(this, "RoundKeyProtection").description("Conflux: wraps each round's update-decryption key")
                .enableKeyRotation(true).removalPolicy(RemovalPolicy.RETAIN).build();
    }

    /** A private, encrypted, TLS-only bucket as its spec says (versioned, expiring). */
    private Bucket createBucket(BucketSpec spec) {
        Bucket.Builder b = Bucket.Builder.create(this, "Bucket-" + spec.logicalName())
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .versioned(spec.versioned())
                .removalPolicy(RemovalPolicy.RETAIN);
        if (spec.expireAfterDays() > 0) {
            b.lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(spec.expireAfterDays())).build()));
        }
        return b.build();
    }

    /**
     * One function per round step (the same jar, the step in {@link RoundStep#ENV}), each with what it
     * touches and no more: decode alone reads uploads and unwraps round keys; publish alone writes the
     * models bucket and the registry.
     */
    private Map<RoundStep, IFunction> createRoundFunctions(Bucket updates, Bucket models, Bucket work, Key roundKeys, Secret platformKey) {
        Map<RoundStep, IFunction> out = new java.util.EnumMap<>(RoundStep.class);
        for (RoundStep step : RoundStep.values()) {
            int memory = switch (step) {
                case DECODE, REDUCE, COMBINE -> 2048;
                case EVALUATE, SCORE -> 3008;
                case PUBLISH -> 2048; // it also backtests the published model
                default -> 512;
            };
            Function fn = createFunction("Round-" + step.name(), "round", ROUND_HANDLER, memory, Duration.minutes(15), roundKeys, step.functionName());
            fn.addEnvironment(RoundStep.ENV, step.name());
            if (step == RoundStep.SCORE) {
                // Score maps every accepted update into /tmp (K x P float32): 10 GiB holds 2,500 updates of 1M parameters
                ((software.amazon.awscdk.services.lambda.CfnFunction) fn.getNode().getDefaultChild())
                        .setEphemeralStorage(software.amazon.awscdk.services.lambda.CfnFunction.EphemeralStorageProperty.builder()
                                .size(SCORE_EPHEMERAL_MIB).build());
            }
            fn.addEnvironment(ConfluxResources.WORK_BUCKET.envVar(), work.getBucketName());
            fn.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
            fn.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
            fn.addEnvironment("PLATFORM_KEY_ARN", platformKey.getSecretArn());
            tables.get(ConfluxResources.ROUNDS).grantReadData(fn);
            work.grantRead(fn, "rounds/*");
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
                    models.grantReadWrite(fn);
                    tables.get(ConfluxResources.MODELS).grantReadWriteData(fn);
                    tables.get(ConfluxResources.ROUNDS).grantReadWriteData(fn);
                    platformKey.grantRead(fn);
                }
            }
            out.put(step, fn);
        }
        return out;
    }

    /**
     * The trading agent: one function, started at the top of every hour for each market by an EventBridge
     * schedule (input {"market", "time"}); it reads the registry, the rounds and the model files, and owns the
     * agent table. Candles come from the exchange's public REST endpoint.
     */
    private Function createTradeFunction(Bucket models, Bucket updates, Key roundKeys) {
        // the key's ARN and the updates bucket's name only because Platform reads them at start; no grant on either
        Function trade = createFunction("Trade", "trade", TRADE_HANDLER, 2048, Duration.minutes(2), roundKeys);
        trade.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
        trade.addEnvironment("CONFLUX_AGENT_MARKETS", AGENT_MARKETS);
        trade.addEnvironment("CONFLUX_FEED", "exchange:https://api.binance.com");
        trade.addEnvironment(ConfluxResources.MODELS_BUCKET.envVar(), models.getBucketName());
        tables.get(ConfluxResources.AGENT).grantReadWriteData(trade);
        tables.get(ConfluxResources.MODELS).grantReadData(trade);
        tables.get(ConfluxResources.ROUNDS).grantReadData(trade);
        models.grantRead(trade, "parameters/*");
        models.grantRead(trade, "market/*");
        for (String entry : AGENT_MARKETS.split(",")) {
            String market = entry.substring(0, entry.indexOf('='));
            software.amazon.awscdk.services.events.Rule.Builder.create(this, "Tick-" + market)
                    .ruleName("conflux-" + config.stage() + "-tick-" + market.toLowerCase(java.util.Locale.ROOT))
                    .schedule(software.amazon.awscdk.services.events.Schedule.cron(software.amazon.awscdk.services.events.CronOptions.builder()
                            .minute("0").build()))
                    .targets(List.of(software.amazon.awscdk.services.events.targets.LambdaFunction.Builder.create(trade)
                            .event(software.amazon.awscdk.services.events.RuleTargetInput.fromObject(Map.of("market", market,
                                    "time", software.amazon.awscdk.services.events.EventField.getTime())))
                            .retryAttempts(2).maxEventAge(Duration.minutes(15)).build()))
                    .build();
        }
        return trade;
    }

    /**
     * Settlement: at ten past every hour (after the agent's tick), every closed epoch not yet settled is recorded
     * and settled on-chain, and the vault's claims are indexed. It reads the agent's books, the models and the
     * scores, owns the settlement tables, and signs with the settler's key from Secrets Manager (set its value
     * after deploy: the account that holds the settler role and the profits to bring in).
     */
    private Function createSettleFunction(Bucket updates, Key roundKeys, StackConfig.Settlement chain) {
        Function settle = createFunction("Settle", "settle", SETTLE_HANDLER, 1024, Duration.minutes(5), roundKeys);
        // the updates bucket's name only because Platform reads it at start; no grant
        settle.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
        settle.addEnvironment("CONFLUX_AGENT_MARKETS", AGENT_MARKETS);
        settle.addEnvironment("CONFLUX_CHAIN_RPC", chain.chainRpc());
        settle.addEnvironment("CONFLUX_VAULT", chain.vault());
        settle.addEnvironment("CONFLUX_REGISTRY", chain.registry());
        settle.addEnvironment("CONFLUX_TOKEN", chain.token());
        settle.addEnvironment("CONFLUX_VAULT_BLOCK", Long.toString(chain.vaultBlock()));
        Secret settlerKey = Secret.Builder.create(this, "SettlerKey")
                .description("Conflux: hex secp256k1 key of the settler account (set the value after deploy)").build();
        settlerKey.grantRead(settle);
        settle.addEnvironment("CONFLUX_SETTLER_KEY_ARN", settlerKey.getSecretArn());
        for (TableSpec t : List.of(ConfluxResources.AGENT, ConfluxResources.MODELS, ConfluxResources.SCORES)) tables.get(t).grantReadData(settle);
        for (TableSpec t : List.of(ConfluxResources.SETTLEMENTS, ConfluxResources.ALLOCATIONS)) tables.get(t).grantReadWriteData(settle);
        software.amazon.awscdk.services.events.Rule.Builder.create(this, "SettleSchedule")
                .ruleName("conflux-" + config.stage() + "-settle")
                .schedule(software.amazon.awscdk.services.events.Schedule.cron(software.amazon.awscdk.services.events.CronOptions.builder().minute("10").build()))
                .targets(List.of(software.amazon.awscdk.services.events.targets.LambdaFunction.Builder.create(settle)
                        .event(software.amazon.awscdk.services.events.RuleTargetInput.fromObject(Map.of()))
                        .retryAttempts(2).maxEventAge(Duration.minutes(30)).build()))
                .build();
        return settle;
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

    private Secret createTokenSecret() {
        return Secret.Builder.create(this, "SessionTokenSecret").description("Conflux: HMAC key of session tokens (base64)")
                .generateSecretString(SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build()).build();
    }

    private Function createFunction(String id, String module, String handler, int memoryMb, Duration timeout, Key roundKeys) {
        return createFunction(id, module, handler, memoryMb, timeout, roundKeys, module);
    }

    private Function createFunction(String id, String module, String handler, int memoryMb, Duration timeout, Key roundKeys, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CONFLUX_STAGE", config.stage());
        for (TableSpec spec : ConfluxResources.tables()) env.put(spec.envVar(), tables.get(spec).getTableName());
        env.put("SIWE_DOMAIN", config.siweDomain());
        env.put("CHAIN_ID", Long.toString(config.chainId()));
        env.put("OPERATORS", config.operators());
        env.put("ROUND_KEY_PROTECTION", "kms:" + roundKeys.getKeyArn());
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        return Function.Builder.create(this, id).functionName("conflux-" + config.stage() + "-" + name)
                .runtime(Runtime.JAVA_21).architecture(Architecture.ARM_64).handler(handler)
                .code(Code.fromAsset(config.lambdaJar(module).toString()))
                .memorySize(memoryMb).timeout(timeout).environment(env).logRetention(RetentionDays.ONE_MONTH).build();
    }

    /** Sign-in, rounds and upload URLs: the URL is signed with this function's role, so it may put updates (only). */
    private void grantApi(Function api, Bucket updates, Key roundKeys, Secret tokenSecret) {
        for (TableSpec t : List.of(ConfluxResources.TRADERS, ConfluxResources.NONCES, ConfluxResources.ROUNDS, ConfluxResources.UPDATES)) {
            tables.get(t).grantReadWriteData(api);
        }
        updates.grantPut(api, "rounds/*");
        roundKeys.grantEncrypt(api);
        tokenSecret.grantRead(api);
        api.addEnvironment("TOKEN_SECRET_ARN", tokenSecret.getSecretArn());
        api.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
    }

    /** Reads uploads, unwraps round keys, writes verdicts and content claims. */
    private void grantIngest(Function ingest, Bucket updates, Key roundKeys) {
        tables.get(ConfluxResources.ROUNDS).grantReadData(ingest);
        tables.get(ConfluxResources.TRADERS).grantReadData(ingest);
        tables.get(ConfluxResources.UPDATES).grantReadWriteData(ingest);
        tables.get(ConfluxResources.CLAIMS).grantReadWriteData(ingest);
        updates.grantRead(ingest, "rounds/*");
        roundKeys.grantDecrypt(ingest);
        ingest.addEnvironment(ConfluxResources.UPDATES_BUCKET.envVar(), updates.getBucketName());
    }
}
