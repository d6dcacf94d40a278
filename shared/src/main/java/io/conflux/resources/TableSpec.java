package io.conflux.resources;

import java.util.List;

/**
 * A DynamoDB table as both the CDK app and the local runtime create it. All key attributes are strings.
 *
 * @param sortKey      null for a table keyed by partition key alone
 * @param ttlAttribute null when items never expire
 */
public record TableSpec(String logicalName, String envVar, String partitionKey, String sortKey, String ttlAttribute,
                        List<IndexSpec> indexes) {

    public TableSpec {
        indexes = List.copyOf(indexes);
    }

    /** A global secondary index projecting all attributes. */
    public record IndexSpec(String name, String partitionKey, String sortKey) {}

    public String physicalName(String stage) {
        return ConfluxResources.physicalName(stage, logicalName);
    }
}
