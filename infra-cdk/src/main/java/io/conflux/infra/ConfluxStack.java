package io.conflux.infra;

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
    static final String INGEST_HANDLER = "io.conflux.ingest.IngestHandler::handleRequest";

    private final StackConfig config;
    private final Map<TableSpec, Table> tables = new HashMap<>();

    public ConfluxStack(Construct scope, String id, StackProps props, StackConfig config) {
        super(scope, id, props);
        this.config = config;

        for (TableSpec spec : ConfluxResources.tables()) tables.put(spec, createTable(spec));
        Key roundKeys = createRoundKeyProtection();
        Bucket updates = createUpdatesBucket();
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

    private Bucket createUpdatesBucket() {
        BucketSpec spec = ConfluxResources.UPDATES_BUCKET;
        return Bucket.Builder.create(this, "Bucket-" + spec.logicalName())
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
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
        Map<String, String> env = new HashMap<>();
        env.put("CONFLUX_STAGE", config.stage());
        for (TableSpec spec : ConfluxResources.tables()) env.put(spec.envVar(), tables.get(spec).getTableName());
        env.put("SIWE_DOMAIN", config.siweDomain());
        env.put("CHAIN_ID", Long.toString(config.chainId()));
        env.put("OPERATORS", config.operators());
        env.put("ROUND_KEY_PROTECTION", "kms:" + roundKeys.getKeyArn());
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        return Function.Builder.create(this, id).functionName("conflux-" + config.stage() + "-" + module)
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
