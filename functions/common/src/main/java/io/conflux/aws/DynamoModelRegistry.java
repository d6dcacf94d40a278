package io.conflux.aws;

import io.conflux.federation.ModelRegistry;
import io.conflux.federation.PublishedModel;
import io.conflux.rounds.RoundStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The model registry on DynamoDB: one item per (template, version), the version zero-padded so the
 * sort key orders them. Publishing is one transaction with the round's move to PUBLISHED.
 */
public final class DynamoModelRegistry implements ModelRegistry {
    private static final int ATTEMPTS = 5;
    private final DynamoDbClient dynamo;
    private final String table;
    private final String roundsTable;

    public DynamoModelRegistry(DynamoDbClient dynamo, String table, String roundsTable) {
        this.dynamo = dynamo;
        this.table = table;
        this.roundsTable = roundsTable;
    }

    static String versionKey(long v) {
        return String.format("%012d", v);
    }

    @Override
    public Optional<PublishedModel> latest(String templateId) {
        var items = dynamo.query(q -> q.tableName(table).keyConditionExpression("templateId = :t").scanIndexForward(false).limit(1)
                .consistentRead(true).expressionAttributeValues(Map.of(":t", AttributeValue.fromS(templateId)))).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(toModel(items.get(0)));
    }

    @Override
    public Optional<PublishedModel> find(String templateId, long version) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Attrs.key("templateId", templateId, "version", versionKey(version))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toModel(item));
    }

    @Override
    public List<PublishedModel> list(String templateId) {
        List<PublishedModel> out = new ArrayList<>();
        dynamo.queryPaginator(q -> q.tableName(table).keyConditionExpression("templateId = :t").scanIndexForward(false)
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(templateId)))).items().forEach(i -> out.add(toModel(i)));
        return out;
    }

    @Override
    public long publish(PublishedModel m) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long version = latest(m.templateId()).map(PublishedModel::version).orElse(0L) + 1;
            Put put = Put.builder().tableName(table).conditionExpression("attribute_not_exists(templateId)").item(Attrs.item()
                    .s("templateId", m.templateId()).s("version", versionKey(version)).n("versionNumber", version).s("roundId", m.roundId())
                    .s("parametersHash", m.parametersHash()).s("onnxSha256", m.onnxSha256()).s("onnxKey", m.onnxKey())
                    .s("onnxVersionId", m.onnxVersionId()).s("parametersKey", m.parametersKey()).s("receiptKey", m.receiptKey())
                    .s("rule", m.rule()).n("updates", m.updates()).s("metrics", m.metricsJson()).t("publishedAt", m.publishedAt()).build()).build();
            Update round = Update.builder().tableName(roundsTable).key(Attrs.key("roundId", m.roundId()))
                    .updateExpression("SET #status = :published, modelVersion = :v").conditionExpression("#status = :closed")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":published", AttributeValue.fromS(RoundStatus.PUBLISHED.name()),
                            ":closed", AttributeValue.fromS(RoundStatus.CLOSED.name()), ":v", AttributeValue.fromN(Long.toString(version)))).build();
            try {
                dynamo.transactWriteItems(t -> t.transactItems(TransactWriteItem.builder().put(put).build(), TransactWriteItem.builder().update(round).build()));
                return version;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failed(reasons, 1)) {
                    var item = dynamo.getItem(r -> r.tableName(roundsTable).key(Attrs.key("roundId", m.roundId())).consistentRead(true)).item();
                    if (item != null && RoundStatus.PUBLISHED.name().equals(Attrs.s(item, "status"))) return Attrs.n(item, "modelVersion");
                    throw new IllegalStateException("round " + m.roundId() + " is " + (item == null ? "missing" : Attrs.s(item, "status")) + ", not CLOSED: it cannot publish");
                }
                if (!failed(reasons, 0)) throw e; // a transaction conflict: the step is retried
                // another round took this version a moment ago: take the next one
            }
        }
        throw new IllegalStateException("could not find a free model version after " + ATTEMPTS + " attempts");
    }

    private static boolean failed(List<CancellationReason> reasons, int i) {
        return reasons != null && reasons.size() > i && "ConditionalCheckFailed".equals(reasons.get(i).code());
    }

    private static PublishedModel toModel(Map<String, AttributeValue> i) {
        return new PublishedModel(Attrs.s(i, "templateId"), Attrs.n(i, "versionNumber"), Attrs.s(i, "roundId"), Attrs.s(i, "parametersHash"),
                Attrs.s(i, "onnxSha256"), Attrs.s(i, "onnxKey"), Attrs.s(i, "onnxVersionId"), Attrs.s(i, "parametersKey"),
                Attrs.s(i, "receiptKey"), Attrs.s(i, "rule"), Attrs.n(i, "updates").intValue(), Attrs.s(i, "metrics"), Attrs.t(i, "publishedAt"));
    }
}
