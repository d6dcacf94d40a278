package io.conflux.aws;

import io.conflux.update.RejectionReason;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UpdateVerifier;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import io.conflux.rounds.RoundStatus;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The update ledger in DynamoDB: the updates table (one item per upload) and the claims table (one
 * item per accepted content hash). Acceptance is one transaction: claim the hash and flip the upload
 * from ISSUED to ACCEPTED, both conditional, so neither a repeated event nor a replayed update can
 * change a verdict.
 */
public final class DynamoUpdateLedger implements UpdateLedger {
    private final DynamoDbClient dynamo;
    private final String updates;
    private final String claims;
    private final String rounds;

    /** @param roundsTable checked in the acceptance transaction: the round must still be OPEN when an update is accepted */
    public DynamoUpdateLedger(DynamoDbClient dynamo, String updatesTable, String claimsTable, String roundsTable) {
        this.dynamo = dynamo;
        this.updates = updatesTable;
        this.claims = claimsTable;
        this.rounds = roundsTable;
    }

    @Override
    public void recordIssued(UploadRecord r) {
        try {
            dynamo.putItem(p -> p.tableName(updates).conditionExpression("attribute_not_exists(uploadId)").item(Attrs.item()
                    .s("roundId", r.roundId()).s("uploadId", r.uploadId()).s("trader", r.trader()).s("status", r.status().name())
                    .t("issuedAt", r.issuedAt()).n("declaredBytes", r.declaredBytes()).s("objectKey", r.objectKey()).build()));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("upload " + r.uploadId() + " exists");
        }
    }

    @Override
    public Optional<UploadRecord> find(String roundId, String uploadId) {
        var item = dynamo.getItem(r -> r.tableName(updates).key(Attrs.key("roundId", roundId, "uploadId", uploadId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
    }

    @Override
    public List<UploadRecord> listRound(String roundId) {
        List<UploadRecord> out = new ArrayList<>();
        dynamo.queryPaginator(q -> q.tableName(updates).keyConditionExpression("roundId = :r").consistentRead(true)
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromS(roundId)))).items().forEach(i -> out.add(toRecord(i)));
        return out;
    }

    @Override
    public Outcome accept(String roundId, String uploadId, ObjectRef object, UpdateVerifier.Verified v, Instant decidedAt) {
        Map<String, AttributeValue> values = new HashMap<>(objectValues(object, decidedAt));
        values.put(":status", AttributeValue.fromS(UploadStatus.ACCEPTED.name()));
        values.put(":issued", AttributeValue.fromS(UploadStatus.ISSUED.name()));
        values.put(":hash", AttributeValue.fromS(v.contentHash()));
        values.put(":samples", AttributeValue.fromN(Long.toString(v.update().sampleCount())));
        values.put(":norm", AttributeValue.fromN(Double.toString(v.norm())));
        Put claim = Put.builder().tableName(claims).conditionExpression("attribute_not_exists(claim)").item(Attrs.item()
                .s("claim", "content:" + v.contentHash()).s("roundId", roundId).s("uploadId", uploadId).t("at", decidedAt).build()).build();
        Update verdict = Update.builder().tableName(updates).key(Attrs.key("roundId", roundId, "uploadId", uploadId))
                .updateExpression(OBJECT_SET + ", #status = :status, contentHash = :hash, sampleCount = :samples, norm = :norm")
                .conditionExpression("#status = :issued")
                .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values).build();
        // The round's close is a conditional write on the same item: an update is either accepted while the
        // round is OPEN (and is in the round's aggregation) or not accepted at all, never lost in between.
        ConditionCheck open = ConditionCheck.builder().tableName(rounds).key(Attrs.key("roundId", roundId))
                .conditionExpression("#status = :open").expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":open", AttributeValue.fromS(RoundStatus.OPEN.name()))).build();
        try {
            dynamo.transactWriteItems(t -> t.transactItems(TransactWriteItem.builder().put(claim).build(),
                    TransactWriteItem.builder().update(verdict).build(), TransactWriteItem.builder().conditionCheck(open).build()));
            return Outcome.RECORDED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCondition(reasons, 1)) return alreadyDecided(roundId, uploadId, object);
            if (failedCondition(reasons, 2)) return Outcome.ROUND_CLOSED;
            if (failedCondition(reasons, 0)) return Outcome.CONTENT_ALREADY_ACCEPTED;
            throw e; // a conflict with a concurrent transaction or throttling: the event is retried
        }
    }

    @Override
    public Outcome reject(String roundId, String uploadId, String trader, ObjectRef object, RejectionReason reason, String detail,
                          String contentHash, Instant decidedAt) {
        Map<String, AttributeValue> values = new HashMap<>(objectValues(object, decidedAt));
        values.put(":status", AttributeValue.fromS(UploadStatus.REJECTED.name()));
        values.put(":reason", AttributeValue.fromS(reason.name()));
        values.put(":detail", AttributeValue.fromS(detail == null ? reason.description() : detail));
        values.put(":key", AttributeValue.fromS(object.key()));
        StringBuilder set = new StringBuilder(OBJECT_SET + ", #status = :status, reason = :reason, detail = :detail, objectKey = :key");
        String condition = "attribute_not_exists(uploadId)";
        if (trader != null) {
            values.put(":trader", AttributeValue.fromS(trader));
            values.put(":issued", AttributeValue.fromS(UploadStatus.ISSUED.name()));
            set.append(", trader = :trader");
            condition += " OR (#status = :issued AND trader = :trader)";
        }
        if (contentHash != null) {
            values.put(":hash", AttributeValue.fromS(contentHash));
            set.append(", contentHash = :hash");
        }
        String finalCondition = condition;
        try {
            dynamo.updateItem(u -> u.tableName(updates).key(Attrs.key("roundId", roundId, "uploadId", uploadId))
                    .updateExpression(set.toString()).conditionExpression(finalCondition)
                    .expressionAttributeNames(Map.of("#status", "status")).expressionAttributeValues(values));
            return Outcome.RECORDED;
        } catch (ConditionalCheckFailedException e) {
            return alreadyDecided(roundId, uploadId, object);
        }
    }

    private static final String OBJECT_SET =
            "SET eTag = :etag, versionId = :version, objectBytes = :bytes, uploadedAt = :uploaded, decidedAt = :decided";

    private static Map<String, AttributeValue> objectValues(ObjectRef o, Instant decidedAt) {
        return Map.of(":etag", AttributeValue.fromS(String.valueOf(o.eTag())),
                ":version", o.versionId() == null ? AttributeValue.fromNul(true) : AttributeValue.fromS(o.versionId()),
                ":bytes", AttributeValue.fromN(Long.toString(o.size())),
                ":uploaded", AttributeValue.fromS(o.uploadedAt().toString()),
                ":decided", AttributeValue.fromS(decidedAt.toString()));
    }

    /** The upload was decided before: the same object again changes nothing; another object is noted for audit. */
    private Outcome alreadyDecided(String roundId, String uploadId, ObjectRef object) {
        UploadRecord current = find(roundId, uploadId).orElseThrow();
        if (String.valueOf(object.eTag()).equals(current.eTag())) return Outcome.ALREADY_DECIDED;
        dynamo.updateItem(u -> u.tableName(updates).key(Attrs.key("roundId", roundId, "uploadId", uploadId))
                .updateExpression("ADD replacedETags :e")
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromSs(List.of(String.valueOf(object.eTag()))))));
        return Outcome.UPLOAD_ALREADY_DECIDED;
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int i) {
        return reasons != null && reasons.size() > i && "ConditionalCheckFailed".equals(reasons.get(i).code());
    }

    private static UploadRecord toRecord(Map<String, AttributeValue> i) {
        String reason = Attrs.s(i, "reason");
        AttributeValue version = i.get("versionId");
        return new UploadRecord(Attrs.s(i, "roundId"), Attrs.s(i, "uploadId"), Attrs.s(i, "trader"),
                UploadStatus.valueOf(Attrs.s(i, "status")), Attrs.t(i, "issuedAt"),
                i.containsKey("declaredBytes") ? Attrs.n(i, "declaredBytes") : 0L, Attrs.s(i, "objectKey"), Attrs.s(i, "eTag"),
                version == null || version.s() == null ? null : version.s(), Attrs.n(i, "objectBytes"), Attrs.t(i, "uploadedAt"),
                Attrs.t(i, "decidedAt"), Attrs.s(i, "contentHash"), Attrs.n(i, "sampleCount"), Attrs.d(i, "norm"),
                reason == null ? null : RejectionReason.valueOf(reason), Attrs.s(i, "detail"));
    }
}
