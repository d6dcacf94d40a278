package io.conflux.resources;

/**
 * An S3 bucket. In AWS CloudFormation names it (names are global); locally it is {@link #physicalName}.
 *
 * @param versioned       keeps every version of every object (published models: nothing is ever overwritten)
 * @param expireAfterDays objects expire this many days after creation (0: never), e.g. a round's work files
 */
public record BucketSpec(String logicalName, String envVar, boolean versioned, int expireAfterDays) {
    public BucketSpec(String logicalName, String envVar) {
        this(logicalName, envVar, false, 0);
    }

    public String physicalName(String stage) {
        return ConfluxResources.physicalName(stage, logicalName);
    }
}
