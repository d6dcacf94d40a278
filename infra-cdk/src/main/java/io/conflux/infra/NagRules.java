package io.conflux.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.constructs.IConstruct;

/**
 * The AwsSolutions (cdk-nag) findings this stack accepts, each suppressed on the resources it concerns (never the
 * whole stack) with its reason. ConfluxStackTest fails on any finding without one; the same checks run on every
 * {@code cdk synth}.
 */
final class NagRules {
    private NagRules() {}

    /** What the CDK's grant methods write: action families, always on one named bucket, prefix, table or key. */
    static final List<String> GRANT_ACTION_FAMILIES = List.of("Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*",
            "Action::s3:Abort*", "Action::s3:DeleteObject*", "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*");

    static void apply(ConfluxStack stack) {
        for (var e : stack.functions().entrySet()) {
            ConfluxStack.Lambda lambda = e.getValue();
            NagSuppressions.addResourceSuppressions(lambda.function(), List.of(suppress("AwsSolutions-L1",
                    "java21 on purpose: the code is compiled for release 21 (the project's pinned runtime), which SnapStart supports; "
                            + "moving to java25 means moving the compiler release with it")));
            NagSuppressions.addResourceSuppressions(lambda.function().getRole(), List.of(
                    suppress("AwsSolutions-IAM5", "X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions; "
                            + "ConfluxStackTest checks that nothing else in a function's policy is on *", "Resource::*"),
                    suppress("AwsSolutions-IAM5", "the CDK grant methods' action families (read, put, read-write), each on one named bucket, "
                            + "object prefix or key", GRANT_ACTION_FAMILIES.toArray()),
                    suppress("AwsSolutions-IAM5", "objects under one key prefix of one bucket (rounds/, parameters/, market/, ...): S3 object ARNs "
                            + "need a wildcard for the key", regex("/^Resource::<Bucket\\w+\\.Arn>\\/[a-z]+\\/\\*$/g")),
                    suppress("AwsSolutions-IAM5", "the table's own secondary indexes", regex("/^Resource::<Table\\w+\\.Arn>\\/index\\/\\*$/g"))), true);
        }
        // the round workflow's role: logging and X-Ray need *, and a Distributed Map runs child executions of this machine only
        NagSuppressions.addResourceSuppressions(child(stack, "RoundWorkflow"), List.of(
                suppress("AwsSolutions-IAM5", "Step Functions log delivery (logs:CreateLogDelivery and the rest) and X-Ray require Resource *", "Resource::*"),
                suppress("AwsSolutions-IAM5", "the Distributed Map's child executions of this state machine only (execution ARNs under its name)",
                        regex("/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*RoundWorkflow.*$/g"))), true);

        Map<String, String> secrets = Map.of(
                "SessionTokenSecret", "rotating the session HMAC key signs every trader out; it is rotated by hand (put a new value) and tokens live 60 minutes",
                "PlatformKey", "a chain key: rotation means a new account and re-granting its role on-chain, which Secrets Manager cannot do",
                "SettlerKey", "the settler's chain key: rotation means a new account, SETTLER_ROLE granted to it on the vault, and its funds moved",
                "ExchangeKeys", "exchange API keys are issued by the exchange; only it can rotate them",
                "AdvisorKey", "the LLM provider issues the key; only it can rotate it");
        secrets.forEach((id, reason) -> {
            IConstruct secret = stack.getNode().tryFindChild(id);
            if (secret != null) NagSuppressions.addResourceSuppressions(secret, List.of(suppress("AwsSolutions-SMG4", reason)));
        });
        NagSuppressions.addResourceSuppressions(child(stack, "AsyncFailures"), List.of(suppress("AwsSolutions-SQS3",
                "it is the last stop itself: the failure destination of scheduled invocations and the dead-letter queue of their schedules (alarmed)")));
        IConstruct http = child(stack, "HttpApi");
        for (String route : ConfluxStack.PUBLIC_ROUTES) {
            String id = route.replace(" /", "--").replace("/", "--");
            NagSuppressions.addResourceSuppressions(child(http, id), List.of(suppress("AwsSolutions-APIG4",
                    "public on purpose: signing in (nonce, login) needs no session, settled epochs are public like the chain they mirror, and the OpenAPI document describes the API")), true);
        }
        // the CDK's own deploy-time custom resources: their handlers, roles and runtimes are the CDK's
        for (IConstruct c : stack.getNode().getChildren()) {
            String id = c.getNode().getId();
            if (id.startsWith("BucketNotificationsHandler") || id.startsWith("Custom::CDKBucketDeployment")) {
                NagSuppressions.addResourceSuppressions(c, List.of(
                        suppress("AwsSolutions-IAM4", "the CDK's deploy-time custom-resource handler: the CDK gives it the basic execution role"),
                        suppress("AwsSolutions-IAM5", "the CDK's deploy-time custom-resource handler: it copies assets into (or configures) this "
                                + "stack's buckets, with the CDK's own grants"),
                        suppress("AwsSolutions-L1", "the CDK's deploy-time custom-resource handler: its runtime is the CDK's choice")), true);
            }
        }
    }

    private static IConstruct child(IConstruct parent, String id) {
        IConstruct c = parent.getNode().tryFindChild(id);
        if (c == null) throw new IllegalStateException("no " + id + " under " + parent.getNode().getPath() + " to suppress findings on");
        return c;
    }

    private static NagPackSuppression suppress(String rule, String reason, Object... appliesTo) {
        NagPackSuppression.Builder b = NagPackSuppression.builder().id(rule).reason(reason);
        if (appliesTo.length > 0) b.appliesTo(new ArrayList<>(List.of(appliesTo)));
        return b.build();
    }

    private static RegexAppliesTo regex(String regex) {
        return RegexAppliesTo.builder().regex(regex).build();
    }
}
