package io.conflux.aws;

import io.conflux.identity.TraderRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

public final class DynamoTraderRegistry implements TraderRegistry {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoTraderRegistry(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Trader recordSignIn(String address, Instant at) {
        var item = dynamo.updateItem(r -> r.tableName(table).key(Attrs.key("address", address))
                .updateExpression("SET registeredAt = if_not_exists(registeredAt, :at), lastSignInAt = :at")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString())))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return toTrader(item);
    }

    @Override
    public Optional<Trader> find(String address) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Attrs.key("address", address)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toTrader(item));
    }

    private static Trader toTrader(Map<String, AttributeValue> item) {
        return new Trader(Attrs.s(item, "address"), Attrs.t(item, "registeredAt"), Attrs.t(item, "lastSignInAt"));
    }
}
