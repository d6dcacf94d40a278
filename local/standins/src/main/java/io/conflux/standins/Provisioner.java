package io.conflux.standins;

import io.conflux.resources.BucketSpec;
import io.conflux.resources.ConfluxResources;
import io.conflux.resources.QueueSpec;
import io.conflux.resources.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the platform's resources on a target from {@link ConfluxResources}, the same definitions
 * the CDK app deploys, and returns the environment the functions read them from. Idempotent: running
 * it against resources that exist changes nothing.
 */
public final class Provisioner {

    private Provisioner() {}

    /** @return the functions' environment: table, bucket and queue names (queue URLs), plus the target's endpoints */
    public static Map<String, String> provision(AwsTarget target, String stage) {
        Map<String, String> env = new LinkedHashMap<>(target.environment());
        env.put("CONFLUX_STAGE", stage);
        try (DynamoDbClient dynamo = target.dynamo(); S3Client s3 = target.s3(); SqsClient sqs = target.sqs()) {
            for (TableSpec t : ConfluxResources.tables()) {
                createTable(dynamo, t, stage);
                env.put(t.envVar(), t.physicalName(stage));
            }
            for (BucketSpec b : ConfluxResources.buckets()) {
                // versioning and lifecycle rules are AWS-side only: s3proxy keeps one version per key, which
                // the models bucket never overwrites anyway (its keys are content hashes)
                createBucket(s3, b.physicalName(stage));
                env.put(b.envVar(), b.physicalName(stage));
            }
            BucketSpec bucket = ConfluxResources.UPDATES_BUCKET;
            QueueSpec q = ConfluxResources.INGEST_QUEUE;
            String queueUrl = createQueueWithDlq(sqs, q, stage);
            env.put(q.envVar(), queueUrl);
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            target.routeObjectCreated(bucket.physicalName(stage), "rounds/", queueUrl, queueArn);
        }
        return env;
    }

    static void createTable(DynamoDbClient dynamo, TableSpec t, String stage) {
        List<AttributeDefinition> attrs = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        java.util.function.Consumer<String> attr = name -> {
            if (name != null && !seen.contains(name)) {
                seen.add(name);
                attrs.add(AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build());
            }
        };
        attr.accept(t.partitionKey());
        attr.accept(t.sortKey());
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (TableSpec.IndexSpec i : t.indexes()) {
            attr.accept(i.partitionKey());
            attr.accept(i.sortKey());
            gsis.add(GlobalSecondaryIndex.builder().indexName(i.name()).keySchema(keys(i.partitionKey(), i.sortKey()))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build());
        }
        CreateTableRequest.Builder req = CreateTableRequest.builder().tableName(t.physicalName(stage))
                .billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(attrs).keySchema(keys(t.partitionKey(), t.sortKey()));
        if (!gsis.isEmpty()) req.globalSecondaryIndexes(gsis);
        try {
            dynamo.createTable(req.build());
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(t.physicalName(stage)));
            if (t.ttlAttribute() != null) {
                dynamo.updateTimeToLive(r -> r.tableName(t.physicalName(stage))
                        .timeToLiveSpecification(s -> s.enabled(true).attributeName(t.ttlAttribute())));
            }
        } catch (ResourceInUseException exists) {
            // provisioned before: nothing to do
        }
    }

    private static List<KeySchemaElement> keys(String partition, String sort) {
        List<KeySchemaElement> keys = new ArrayList<>();
        keys.add(KeySchemaElement.builder().attributeName(partition).keyType(KeyType.HASH).build());
        if (sort != null) keys.add(KeySchemaElement.builder().attributeName(sort).keyType(KeyType.RANGE).build());
        return keys;
    }

    static void createBucket(S3Client s3, String name) {
        try {
            s3.createBucket(r -> r.bucket(name));
        } catch (BucketAlreadyOwnedByYouException exists) {
            // provisioned before
        } catch (S3Exception e) {
            if (e.statusCode() != 409) throw e;
        }
    }

    static String createQueueWithDlq(SqsClient sqs, QueueSpec q, String stage) {
        String dlqUrl = sqs.createQueue(r -> r.queueName(q.dlqPhysicalName(stage))
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(q.dlqRetention().toSeconds())))).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + q.maxReceiveCount() + "\"}";
        return sqs.createQueue(r -> r.queueName(q.physicalName(stage)).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(q.visibilityTimeout().toSeconds()),
                QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
    }
}
