package io.conflux.infra;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.resources.ConfluxResources;
import io.conflux.resources.TableSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Synthesizes the stack once for the class and checks what the upload slice relies on. */
class ConfluxStackTest {
    private static Template template;
    private static final String STAGE = "test";
    private static final String VAULT = "0x" + "11".repeat(20);

    @BeforeAll
    static void synth() {
        App app = new App();
        StackConfig config = new StackConfig(STAGE, "api.conflux.test", 31337, "0x" + "ab".repeat(20), StackConfig.findFunctionsDir(),
                new StackConfig.Settlement("https://rpc.conflux.test", VAULT, "0x" + "22".repeat(20), "0x" + "33".repeat(20), 19_000_000));
        template = Template.fromStack(new ConfluxStack(app, "Conflux-test", StackProps.builder().build(), config));
    }

    @Test
    void everyTableOfTheResourceSpec_isDeployedWithTheSameKeysAndTtl() {
        Map<String, Map<String, Object>> tables = template.findResources("AWS::DynamoDB::Table");
        assertEquals(ConfluxResources.tables().size(), tables.size());
        for (TableSpec spec : ConfluxResources.tables()) {
            List<Map<String, Object>> keys = new java.util.ArrayList<>();
            keys.add(Map.of("AttributeName", spec.partitionKey(), "KeyType", "HASH"));
            if (spec.sortKey() != null) keys.add(Map.of("AttributeName", spec.sortKey(), "KeyType", "RANGE"));
            Map<String, Object> props = new java.util.HashMap<>(Map.of("TableName", spec.physicalName(STAGE), "KeySchema", keys,
                    "BillingMode", "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
            if (spec.ttlAttribute() != null) props.put("TimeToLiveSpecification", Map.of("AttributeName", spec.ttlAttribute(), "Enabled", true));
            template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(props));
            for (TableSpec.IndexSpec i : spec.indexes()) {
                template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of("TableName", spec.physicalName(STAGE),
                        "GlobalSecondaryIndexes", Match.arrayWith(List.of(Match.objectLike(Map.of("IndexName", i.name())))))));
            }
        }
    }

    @Test
    void updatesBucket_isPrivateEncryptedAndTlsOnly_andNotifiesTheIngestQueue() {
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Match.objectLike(Map.of()))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
        var filter = Map.of("Key", Map.of("FilterRules", List.of(Map.of("Name", "prefix", "Value", "rounds/"))));
        var queueConfig = Match.objectLike(Map.of("Events", List.of("s3:ObjectCreated:*"), "Filter", filter));
        template.hasResourceProperties("Custom::S3BucketNotifications", Match.objectLike(Map.of("NotificationConfiguration",
                Match.objectLike(Map.of("QueueConfigurations", Match.arrayWith(List.of(queueConfig)))))));
    }

    @Test
    void ingestQueue_hasItsDeadLetterQueue_andTheSpecsTimeouts() {
        var q = ConfluxResources.INGEST_QUEUE;
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("QueueName", q.physicalName(STAGE),
                "VisibilityTimeout", (int) q.visibilityTimeout().toSeconds(),
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", q.maxReceiveCount())))));
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("QueueName", q.dlqPhysicalName(STAGE))));
        assertTrue(q.visibilityTimeout().compareTo(ConfluxResources.INGEST_TIMEOUT.multipliedBy(6)) >= 0,
                "AWS advises a visibility timeout of at least six times the function timeout");
    }

    @Test
    void functions_runJava21OnArm_withTheSpecsEnvironment() {
        for (String handler : List.of(ConfluxStack.API_HANDLER, ConfluxStack.INGEST_HANDLER)) {
            template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", handler, "Runtime", "java21",
                    "Architectures", List.of("arm64"),
                    "Environment", Map.of("Variables", Match.objectLike(ConfluxResources.tables().stream()
                            .collect(Collectors.toMap(TableSpec::envVar, t -> Match.anyValue())))))));
        }
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"), "BatchSize", 10)));
    }

    @Test
    void secrets_areReferencedNeverInlined() {
        String json = template.toJSON().toString();
        assertFalse(json.contains("TOKEN_SECRET\""), "the token secret itself is never an environment variable");
        var variables = Match.objectLike(Map.of("TOKEN_SECRET_ARN", Match.anyValue()));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", ConfluxStack.API_HANDLER,
                "Environment", Map.of("Variables", variables))));
    }

    @Test
    void httpApi_routesEverythingToTheApiFunction() {
        template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Match.objectLike(Map.of("ProtocolType", "HTTP")));
        template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Match.objectLike(Map.of("IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void roundStateMachine_isTheDefinitionTheLocalRuntimeRuns_withOneFunctionPerStep() throws Exception {
        Map<String, Map<String, Object>> machines = template.findResources("AWS::StepFunctions::StateMachine");
        assertEquals(1, machines.size());
        Map<String, Object> props = (Map<String, Object>) machines.values().iterator().next().get("Properties");
        assertNotNull(props.get("LoggingConfiguration"), "the round workflow logs");
        assertEquals(Map.of("Enabled", true), props.get("TracingConfiguration"));
        // logical id of each round function -> its step
        Map<String, io.conflux.federation.RoundStep> stepOf = new java.util.HashMap<>();
        template.findResources("AWS::Lambda::Function").forEach((id, res) -> {
            Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) res.get("Properties")).get("Environment");
            Object step = env == null ? null : ((Map<String, Object>) env.get("Variables")).get(io.conflux.federation.RoundStep.ENV);
            if (step != null) stepOf.put(id, io.conflux.federation.RoundStep.valueOf(step.toString()));
        });
        assertEquals(io.conflux.federation.RoundStep.values().length, stepOf.size(), "one function per round step");
        // the deployed definition with each function's ARN replaced by its local ARN ...
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) props.get("DefinitionString")).get("Fn::Join")).get(1);
        StringBuilder deployed = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String str) deployed.append(str);
            else {
                List<Object> getAtt = (List<Object>) ((Map<String, Object>) part).get("Fn::GetAtt");
                deployed.append(RoundWorkflowAsl.localArn(stepOf.get(getAtt.get(0).toString())));
            }
        }
        // ... is exactly what the local runtime renders and runs
        assertEquals(io.conflux.platform.Json.parse(RoundWorkflowAsl.render(ConfluxStack.ROUND_MAP_CONCURRENCY)),
                io.conflux.platform.Json.parse(deployed.toString()));
    }

    @Test
    void modelsBucketKeepsVersions_andWorkFilesExpire() {
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("LifecycleConfiguration",
                Map.of("Rules", List.of(Match.objectLike(Map.of("ExpirationInDays", 7, "Status", "Enabled")))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theApiStartsRounds_onTheRoundStateMachineOnly_andScoreHasRoomToMapUpdates() {
        String machine = template.findResources("AWS::StepFunctions::StateMachine").keySet().iterator().next();
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", ConfluxStack.API_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("ROUND_STATE_MACHINE_ARN", Map.of("Ref", machine)))))));
        // every statement granting states:StartExecution (the API's, and the machine's own for its Distributed Maps) names this machine
        List<Object> starts = new java.util.ArrayList<>();
        template.findResources("AWS::IAM::Policy").forEach((id, res) -> {
            Map<String, Object> doc = (Map<String, Object>) ((Map<String, Object>) res.get("Properties")).get("PolicyDocument");
            for (Object st : (List<Object>) doc.get("Statement")) {
                Map<String, Object> m = (Map<String, Object>) st;
                if (String.valueOf(m.get("Action")).contains("states:StartExecution")) starts.add(m.get("Resource"));
            }
        });
        assertFalse(starts.isEmpty());
        assertTrue(starts.stream().allMatch(r -> r.equals(Map.of("Ref", machine))), starts.toString());
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of(io.conflux.federation.RoundStep.ENV, "SCORE"))),
                "EphemeralStorage", Map.of("Size", ConfluxStack.SCORE_EPHEMERAL_MIB))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTradeFunctionRunsHourlyPerMarket_andTouchesNoRoundKeyAndNoUpdate() {
        Map<String, Map<String, Object>> fns = functionWithHandler(ConfluxStack.TRADE_HANDLER);
        String fn = fns.keySet().iterator().next();
        Map<String, Object> vars = environment(fns.get(fn));
        assertEquals(ConfluxStack.AGENT_MARKETS, vars.get("CONFLUX_AGENT_MARKETS"));
        assertTrue(String.valueOf(vars.get("CONFLUX_FEED")).startsWith("exchange:https://"));

        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Name", Match.stringLikeRegexp(".*-tick-.*"))))));
        assertEquals(ConfluxStack.AGENT_MARKETS.split(",").length, rules.size());
        Map<String, Object> rule = (Map<String, Object>) rules.values().iterator().next().get("Properties");
        assertEquals("cron(0 * * * ? *)", rule.get("ScheduleExpression"), "at the top of every hour");
        Map<String, Object> target = (Map<String, Object>) ((List<Object>) rule.get("Targets")).get(0);
        assertEquals(Map.of("Fn::GetAtt", List.of(fn, "Arn")), target.get("Arn"));
        assertTrue(String.valueOf(target.get("InputTransformer")).contains("BTC-USDT"), String.valueOf(target));

        String role = (String) ((List<Object>) ((Map<String, Object>) ((Map<String, Object>) fns.get(fn).get("Properties")).get("Role")).get("Fn::GetAtt")).get(0);
        String updatesBucket = template.findResources("AWS::S3::Bucket").keySet().stream().filter(k -> k.startsWith("Bucketupdates")).findFirst().orElseThrow();
        template.findResources("AWS::IAM::Policy").forEach((id, res) -> {
            Map<String, Object> props = (Map<String, Object>) res.get("Properties");
            if (!String.valueOf(props.get("Roles")).contains(role)) return;
            String doc = String.valueOf(props.get("PolicyDocument"));
            assertFalse(doc.contains("kms:Decrypt"), "no round key: " + doc);
            assertFalse(doc.contains(updatesBucket), "no updates: " + doc);
            assertTrue(doc.contains("dynamodb:PutItem") || doc.contains("dynamodb:BatchWriteItem"), doc);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSettleFunctionRunsHourlyAfterTheTick_ownsTheSettlementTables_andReadsItsKeyFromASecret() {
        Map<String, Map<String, Object>> fns = functionWithHandler(ConfluxStack.SETTLE_HANDLER);
        String fn = fns.keySet().iterator().next();
        Map<String, Object> props = (Map<String, Object>) fns.get(fn).get("Properties");
        Map<String, Object> vars = environment(fns.get(fn));
        assertEquals(VAULT, vars.get("CONFLUX_VAULT"));
        assertEquals("https://rpc.conflux.test", vars.get("CONFLUX_CHAIN_RPC"));
        assertEquals("19000000", vars.get("CONFLUX_VAULT_BLOCK"), "claims are read from the vault's deployment on");
        assertFalse(vars.containsKey("CONFLUX_SETTLER_KEY"), "the key is never in the environment");
        assertTrue(String.valueOf(vars.get("CONFLUX_SETTLER_KEY_ARN")).contains("SettlerKey"), String.valueOf(vars));

        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Name", "conflux-" + STAGE + "-settle")))));
        assertEquals(1, rules.size());
        assertEquals("cron(10 * * * ? *)", ((Map<String, Object>) rules.values().iterator().next().get("Properties")).get("ScheduleExpression"));

        String role = (String) ((List<Object>) ((Map<String, Object>) props.get("Role")).get("Fn::GetAtt")).get(0);
        String settlements = template.findResources("AWS::DynamoDB::Table").keySet().stream().filter(k -> k.startsWith("Tablesettlements")).findFirst().orElseThrow();
        String updatesBucket = template.findResources("AWS::S3::Bucket").keySet().stream().filter(k -> k.startsWith("Bucketupdates")).findFirst().orElseThrow();
        StringBuilder all = new StringBuilder();
        template.findResources("AWS::IAM::Policy").forEach((id, res) -> {
            Map<String, Object> p = (Map<String, Object>) res.get("Properties");
            if (String.valueOf(p.get("Roles")).contains(role)) all.append(p.get("PolicyDocument"));
        });
        String doc = all.toString();
        assertTrue(doc.contains(settlements) && doc.contains("dynamodb:PutItem"), doc);
        assertTrue(doc.contains("secretsmanager:GetSecretValue"), doc);
        assertFalse(doc.contains("kms:Decrypt"), "no round key: " + doc);
        assertFalse(doc.contains(updatesBucket), "no updates: " + doc);

        // the API reads (only reads) the settlements and knows the vault
        Map<String, Object> apiVars = environment(functionWithHandler(ConfluxStack.API_HANDLER).values().iterator().next());
        assertEquals(VAULT, apiVars.get("CONFLUX_VAULT"));
    }

    /** The one Lambda function with this handler (asserted to be one). */
    private static Map<String, Map<String, Object>> functionWithHandler(String handler) {
        Map<String, Map<String, Object>> fns = template.findResources("AWS::Lambda::Function", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Handler", handler)))));
        assertEquals(1, fns.size(), handler);
        return fns;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> function) {
        return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) function.get("Properties")).get("Environment")).get("Variables");
    }
}
