package io.conflux.resources;

/** An S3 bucket. In AWS CloudFormation names it (names are global); locally it is {@link #physicalName}. */
public record BucketSpec(String logicalName, String envVar) {
    public String physicalName(String stage) {
        return ConfluxResources.physicalName(stage, logicalName);
    }
}
