package io.conflux.infra;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.federation.RoundStep;
import io.conflux.resources.ConfluxResources;
import io.conflux.resources.TableSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * Synthesizes the whole stack once for the class, with cdk-nag's AwsSolutions checks, and checks what the
 * platform relies on: least privilege, encryption, dead letters, SnapStart, schedules, the API's gate, alarms.
 */
@SuppressWarnings("unchecked")
class ConfluxStackTest {
    private static Template template;
    private static Annotations annotations;
    private static Map<String, Map<String, Object>> resources;
    private static final String STAGE = "test";
    private static final String VAULT = "0x" + "11".repeat(20);

    /**
     * Actions AWS offers only on Resource "*", and who needs them: X-Ray's (every traced function and the state
     * machine), CloudWatch Logs' vended-log delivery (Step Functions logging), and S3 bucket notifications (the CDK's
     * deploy-time handler that wires the updates bucket to the ingest queue).
     */
    static final Set<String> STAR_ONLY_ACTIONS = Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords",
            "xray:GetSamplingRules", "xray:GetSamplingTargets",
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
            "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups", "s3:PutBucketNotification");

    @BeforeAll
    static void synth() {
        App app = new App();
        StackConfig config = new StackConfig(STAGE, "api.conflux.test", 31337, "0x" + "ab".repeat(20), StackConfig.findFunctionsDir(),
                new StackConfig.Settlement("https://rpc.conflux.test", VAULT, "0x" + "22".repeat(20), "0x" + "33".repeat(20), 19_000_000));
        ConfluxStack stack = new ConfluxStack(app, "Conflux-test", StackProps.builder().build(), config);
        Aspects.of(stack).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
        template = Template.fromStack(stack);
        annotations = Annotations.fromStack(stack);
        resources = (Map<String, Map<String, Object>>) ((Map<String, Object>) template.toJSON()).get("Resources");
    }

    // ---- cdk-nag ---------------------------------------------------------------------------------------------------

    @Test
    void cdkNag_findsNoUnsuppressedError_andEverySuppressionCarriesItsReason() {
        List<SynthesisMessage> errors = annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        assertEquals(List.of(), errors.stream().map(m -> m.getId() + " " + String.valueOf(m.getEntry().getData()).split("\n")[0]).toList());
        int suppressions = 0;
        for (var e : resources.entrySet()) {
            Map<String, Object> meta = (Map<String, Object>) e.getValue().get("Metadata");
            Object nag = meta == null ? null : meta.get("cdk_nag");
            if (nag == null) continue;
            for (Map<String, Object> rule : (List<Map<String, Object>>) ((Map<String, Object>) nag).get("rules_to_suppress")) {
                suppressions++;
                String reason = String.valueOf(rule.get("reason"));
                assertTrue(reason.strip().length() >= 30 && !reason.equals("null"), e.getKey() + " suppresses " + rule.get("id") + " without a reason: " + reason);
            }
        }
        assertTrue(suppressions > 10, "the stack's suppressions are in the template: " + suppressions);
    }

    @Test
    void cdkNag_isAwake_aPublicUnencryptedBucketIsAnError() {
        App app = new App();
        Stack bad = new Stack(app, "Bad");
        software.amazon.awscdk.services.s3.Bucket.Builder.create(bad, "Open").build();
        Aspects.of(bad).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
        Template.fromStack(bad);
        List<String> ids = Annotations.fromStack(bad).findError("*", Match.stringLikeRegexp("AwsSolutions-S.*")).stream()
                .map(m -> String.valueOf(m.getEntry().getData()).split(":")[0]).toList();
        assertTrue(ids.contains("AwsSolutions-S1") && ids.contains("AwsSolutions-S10"), ids.toString());
    }

    // ---- least privilege -------------------------------------------------------------------------------------------

    @Test
    void noPolicyHasAStarResource_butForActionsAwsOffersOnlyOnStar() {
        int statements = 0;
        for (var e : ofType("AWS::IAM::Policy").entrySet()) {
            Map<String, Object> doc = (Map<String, Object>) props(e.getValue()).get("PolicyDocument");
            for (Map<String, Object> st : (List<Map<String, Object>>) doc.get("Statement")) {
                statements++;
                Object resource = st.get("Resource");
                boolean star = "*".equals(resource) || (resource instanceof List<?> l && l.contains("*"));
                if (!star) continue;
                for (String action : strings(st.get("Action"))) {
                    assertTrue(STAR_ONLY_ACTIONS.contains(action), e.getKey() + " grants " + action + " on *");
                }
            }
        }
        assertTrue(statements > 50, "the policies were read: " + statements);
    }

    @Test
    void everyFunctionHasItsOwnRoleAndLogGroup() {
        Map<String, Map<String, Object>> fns = javaFunctions();
        Set<Object> roles = new HashSet<>();
        Set<Object> logGroups = new HashSet<>();
        for (var fn : fns.values()) {
            assertTrue(roles.add(props(fn).get("Role")), "a role shared: " + props(fn).get("Role"));
            Map<String, Object> logging = (Map<String, Object>) props(fn).get("LoggingConfig");
            assertTrue(logGroups.add(logging.get("LogGroup")), "a log group shared");
        }
        // the round functions, one per step, plus the API, the authorizer, ingest, trade, settle
        assertEquals(RoundStep.values().length + 5, fns.size());
        for (var fn : fns.values()) {
            String role = getAttTarget(props(fn).get("Role"));
            assertNull(props(resources.get(role)).get("ManagedPolicyArns"),
                    role + ": a function's role carries no managed policy (its log writes are granted on its own log group)");
        }
    }

    @Test
    void theTradeFunctionTouchesNoRoundKeyAndNoUpdate_andRunsHourlyPerMarket() {
        String fn = functionWithHandler(ConfluxStack.TRADE_HANDLER);
        Map<String, Object> vars = environment(fn);
        assertEquals(StackConfig.Agent.defaults().markets(), vars.get("CONFLUX_AGENT_MARKETS"));
        assertEquals("10.0", vars.get("CONFLUX_AGENT_FEE_BPS"));
        assertEquals("paper", vars.get("CONFLUX_BROKER"));
        assertTrue(String.valueOf(vars.get("CONFLUX_FEED")).startsWith("exchange:https://"));
        String doc = policyOf(fn);
        assertFalse(doc.contains(logicalId("AWS::KMS::Key", "RoundKeyProtection")), "no round key: " + doc);
        assertFalse(doc.contains(logicalId("AWS::S3::Bucket", "Bucketupdates")), "no updates: " + doc);
        assertTrue(doc.contains("dynamodb:PutItem"), doc);

        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Name", Match.stringLikeRegexp(".*-tick-.*"))))));
        assertEquals(StackConfig.Agent.defaults().marketNames().size(), rules.size());
        Map<String, Object> rule = props(rules.values().iterator().next());
        assertEquals("cron(0 * * * ? *)", rule.get("ScheduleExpression"), "at the top of every hour");
        Map<String, Object> target = ((List<Map<String, Object>>) rule.get("Targets")).get(0);
        assertEquals(aliasOf(fn), ref(target.get("Arn")), "the tick invokes the published alias");
        assertTrue(String.valueOf(target.get("InputTransformer")).contains("BTC-USDT"), String.valueOf(target));
    }

    @Test
    void theSettleFunctionRunsHourlyAfterTheTick_ownsTheSettlementTables_andReadsItsKeyFromASecret() {
        String fn = functionWithHandler(ConfluxStack.SETTLE_HANDLER);
        Map<String, Object> vars = environment(fn);
        assertEquals(VAULT, vars.get("CONFLUX_VAULT"));
        assertEquals("https://rpc.conflux.test", vars.get("CONFLUX_CHAIN_RPC"));
        assertEquals("19000000", vars.get("CONFLUX_VAULT_BLOCK"), "claims are read from the vault's deployment on");
        assertFalse(vars.containsKey("CONFLUX_SETTLER_KEY"), "the key is never in the environment");
        assertTrue(String.valueOf(vars.get("CONFLUX_SETTLER_KEY_ARN")).contains("SettlerKey"), String.valueOf(vars));

        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Name", "conflux-" + STAGE + "-settle")))));
        assertEquals(1, rules.size());
        assertEquals("cron(10 * * * ? *)", props(rules.values().iterator().next()).get("ScheduleExpression"));

        String doc = policyOf(fn);
        assertTrue(doc.contains(logicalId("AWS::DynamoDB::Table", "Tablesettlements")) && doc.contains("dynamodb:PutItem"), doc);
        assertTrue(doc.contains("secretsmanager:GetSecretValue"), doc);
        assertFalse(doc.contains(logicalId("AWS::KMS::Key", "RoundKeyProtection")), "no round key: " + doc);
        assertFalse(doc.contains(logicalId("AWS::S3::Bucket", "Bucketupdates")), "no updates: " + doc);
        // the API reads (only reads) the settlements and knows the vault
        assertEquals(VAULT, environment(functionWithHandler(ConfluxStack.API_HANDLER)).get("CONFLUX_VAULT"));
    }

    @Test
    void theAgentSettlementAndTheAuthorizer_areNotEvenToldWhereUpdatesAndRoundKeysAre() {
        for (String handler : List.of(ConfluxStack.TRADE_HANDLER, ConfluxStack.SETTLE_HANDLER, ConfluxStack.AUTHORIZER_HANDLER)) {
            Map<String, Object> env = environment(functionWithHandler(handler));
            assertFalse(env.containsKey(ConfluxResources.UPDATES_BUCKET.envVar()) || env.containsKey("ROUND_KEY_PROTECTION"), handler + ": " + env.keySet());
        }
        for (String handler : List.of(ConfluxStack.API_HANDLER, ConfluxStack.INGEST_HANDLER)) {
            assertTrue(environment(functionWithHandler(handler)).keySet().containsAll(List.of(ConfluxResources.UPDATES_BUCKET.envVar(), "ROUND_KEY_PROTECTION")));
        }
    }

    @Test
    void onlyDecodeAndIngestUnwrapRoundKeys_andOnlyPublishWritesModels() {
        String roundKey = logicalId("AWS::KMS::Key", "RoundKeyProtection");
        Set<String> decrypting = new HashSet<>();
        Set<String> writingModels = new HashSet<>();
        String models = logicalId("AWS::S3::Bucket", "Bucketmodels");
        for (String fn : javaFunctions().keySet()) {
            for (Map<String, Object> st : statementsOf(fn)) {
                String s = st.toString();
                if (strings(st.get("Action")).contains("kms:Decrypt") && s.contains(roundKey)) decrypting.add(fn);
                if (strings(st.get("Action")).contains("s3:PutObject") && s.contains(models)) writingModels.add(fn);
            }
        }
        assertEquals(Set.of(functionWithHandler(ConfluxStack.INGEST_HANDLER), roundFunction(RoundStep.DECODE)), decrypting);
        assertEquals(Set.of(roundFunction(RoundStep.PUBLISH)), writingModels);
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    @Test
    void everyTableOfTheResourceSpec_isDeployedWithTheSameKeysAndTtl() {
        Map<String, Map<String, Object>> tables = template.findResources("AWS::DynamoDB::Table");
        assertEquals(ConfluxResources.tables().size(), tables.size());
        for (TableSpec spec : ConfluxResources.tables()) {
            List<Map<String, Object>> keys = new ArrayList<>();
            keys.add(Map.of("AttributeName", spec.partitionKey(), "KeyType", "HASH"));
            if (spec.sortKey() != null) keys.add(Map.of("AttributeName", spec.sortKey(), "KeyType", "RANGE"));
            Map<String, Object> props = new HashMap<>(Map.of("TableName", spec.physicalName(STAGE), "KeySchema", keys,
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
    void everyBucketIsPrivateEncryptedTlsOnlyAndAccessLogged() {
        Map<String, Map<String, Object>> buckets = ofType("AWS::S3::Bucket");
        assertEquals(ConfluxResources.buckets().size() + 1, buckets.size(), "the spec's buckets and the access-log bucket");
        Map<String, Object> secureTransportDenied = new HashMap<>();
        for (var p : ofType("AWS::S3::BucketPolicy").values()) {
            Map<String, Object> pp = props(p);
            for (Map<String, Object> st : (List<Map<String, Object>>) ((Map<String, Object>) pp.get("PolicyDocument")).get("Statement")) {
                if ("Deny".equals(st.get("Effect")) && Map.of("Bool", Map.of("aws:SecureTransport", "false")).equals(st.get("Condition"))) {
                    secureTransportDenied.put(ref(pp.get("Bucket")), true);
                }
            }
        }
        String accessLogs = logicalId("AWS::S3::Bucket", "AccessLogs");
        for (var b : buckets.entrySet()) {
            Map<String, Object> p = props(b.getValue());
            assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                    p.get("PublicAccessBlockConfiguration"), b.getKey());
            String sse = String.valueOf(p.get("BucketEncryption"));
            assertTrue(b.getKey().equals(accessLogs) ? sse.contains("AES256") : sse.contains("aws:kms") && sse.contains("DataKey"),
                    b.getKey() + ": " + sse + " (S3 log delivery writes only to SSE-S3 buckets; the rest use the data key)");
            assertTrue(secureTransportDenied.containsKey(b.getKey()), b.getKey() + " refuses plain HTTP");
            if (!b.getKey().equals(accessLogs)) {
                assertEquals(accessLogs, ref(((Map<String, Object>) p.get("LoggingConfiguration")).get("DestinationBucketName")), b.getKey());
            }
        }
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));
        // raw updates and work files expire; replaced model versions too
        for (var spec : List.of(ConfluxResources.UPDATES_BUCKET, ConfluxResources.WORK_BUCKET)) {
            Map<String, Object> rules = (Map<String, Object>) props(buckets.get(logicalId("AWS::S3::Bucket", "Bucket" + spec.logicalName()))).get("LifecycleConfiguration");
            assertTrue(String.valueOf(rules).contains("ExpirationInDays=" + spec.expireAfterDays()), spec.logicalName() + ": " + rules);
        }
    }

    @Test
    void updatesNotifyTheIngestQueue_andTheShippedCandlesAreDeployedToTheModelsBucket() {
        var filter = Map.of("Key", Map.of("FilterRules", List.of(Map.of("Name", "prefix", "Value", "rounds/"))));
        var queueConfig = Match.objectLike(Map.of("Events", List.of("s3:ObjectCreated:*"), "Filter", filter));
        template.hasResourceProperties("Custom::S3BucketNotifications", Match.objectLike(Map.of("NotificationConfiguration",
                Match.objectLike(Map.of("QueueConfigurations", Match.arrayWith(List.of(queueConfig)))))));
        Map<String, Map<String, Object>> deployments = ofType("Custom::CDKBucketDeployment");
        assertEquals(1, deployments.size());
        Map<String, Object> d = props(deployments.values().iterator().next());
        assertEquals("market/", d.get("DestinationBucketKeyPrefix"));
        assertEquals(logicalId("AWS::S3::Bucket", "Bucketmodels"), ref(d.get("DestinationBucketName")));
        assertEquals(false, d.get("Prune"), "models and receipts beside market/ are never deleted by a deploy");
    }

    @Test
    void everyQueueHasADeadLetterQueue_orIsOneItself() {
        Map<String, Map<String, Object>> queues = ofType("AWS::SQS::Queue");
        Set<String> deadLetterTargets = new HashSet<>();
        for (var q : queues.values()) {
            Object redrive = props(q).get("RedrivePolicy");
            if (redrive != null) deadLetterTargets.add(getAttTarget(((Map<String, Object>) redrive).get("deadLetterTargetArn")));
        }
        for (var c : ofType("AWS::Lambda::EventInvokeConfig").values()) {
            deadLetterTargets.add(getAttTarget(((Map<String, Object>) ((Map<String, Object>) props(c).get("DestinationConfig")).get("OnFailure")).get("Destination")));
        }
        for (var r : ofType("AWS::Events::Rule").values()) {
            for (Map<String, Object> t : (List<Map<String, Object>>) props(r).get("Targets")) {
                deadLetterTargets.add(getAttTarget(((Map<String, Object>) t.get("DeadLetterConfig")).get("Arn")));
            }
        }
        for (String q : queues.keySet()) {
            assertTrue(props(queues.get(q)).get("RedrivePolicy") != null || deadLetterTargets.contains(q), q + " has no dead-letter queue and is none");
        }
        var q = ConfluxResources.INGEST_QUEUE;
        template.hasResourceProperties("AWS::SQS::Queue", Match.objectLike(Map.of("QueueName", q.physicalName(STAGE),
                "VisibilityTimeout", (int) q.visibilityTimeout().toSeconds(),
                "RedrivePolicy", Match.objectLike(Map.of("maxReceiveCount", q.maxReceiveCount())))));
        assertTrue(q.visibilityTimeout().compareTo(ConfluxResources.INGEST_TIMEOUT.multipliedBy(6)) >= 0,
                "AWS advises a visibility timeout of at least six times the function timeout");
    }

    // ---- functions -----------------------------------------------------------------------------------------------

    @Test
    void everyFunctionRunsJava21OnArm_withSnapStartWhereItCanHaveIt_andCallersInvokeItsPublishedAlias() {
        Map<String, Map<String, Object>> fns = javaFunctions();
        for (var fn : fns.entrySet()) {
            Map<String, Object> p = props(fn.getValue());
            assertEquals("java21", p.get("Runtime"));
            assertEquals(List.of("arm64"), p.get("Architectures"), "ONNX Runtime's jar carries linux-aarch64 natives");
            assertEquals(Map.of("Mode", "Active"), p.get("TracingConfig"));
            int tmp = p.get("EphemeralStorage") == null ? 512 : ((Number) ((Map<String, Object>) p.get("EphemeralStorage")).get("Size")).intValue();
            if (tmp <= ConfluxStack.SNAPSTART_MAX_EPHEMERAL_MIB) {
                assertEquals(Map.of("ApplyOn", "PublishedVersions"), p.get("SnapStart"), fn.getKey());
            } else {
                assertNull(p.get("SnapStart"), fn.getKey() + ": SnapStart does not support more than 512 MB of /tmp");
            }
            // what every function's Platform requires at start
            assertTrue(environment(fn.getKey()).keySet().containsAll(ConfluxResources.tables().stream().map(TableSpec::envVar).toList()), fn.getKey());
            assertTrue(environment(fn.getKey()).keySet().containsAll(List.of("SIWE_DOMAIN", "CHAIN_ID")), fn.getKey());
            aliasOf(fn.getKey());
        }
        assertNull(props(fns.get(roundFunction(RoundStep.SCORE))).get("SnapStart"), "score maps updates into a 10 GiB /tmp");
        assertEquals(fns.size() - 1, fns.values().stream().filter(f -> props(f).get("SnapStart") != null).count());

        // every caller names an alias, never $LATEST (which SnapStart does not restore)
        Set<String> aliases = ofType("AWS::Lambda::Alias").keySet();
        for (var m : ofType("AWS::Lambda::EventSourceMapping").values()) assertTrue(namesAnAlias(props(m).get("FunctionName")), String.valueOf(props(m)));
        for (var r : ofType("AWS::Events::Rule").values()) {
            for (Map<String, Object> t : (List<Map<String, Object>>) props(r).get("Targets")) assertTrue(aliases.contains(ref(t.get("Arn"))), t.toString());
        }
        for (var i : ofType("AWS::ApiGatewayV2::Integration").values()) assertTrue(namesAnAlias(props(i).get("IntegrationUri")), String.valueOf(props(i)));
        String definition = String.valueOf(props(ofType("AWS::StepFunctions::StateMachine").values().iterator().next()).get("DefinitionString"));
        for (RoundStep step : RoundStep.values()) assertTrue(definition.contains(aliasOf(roundFunction(step))), step + " is invoked through its alias");
        assertFalse(definition.contains("Fn::GetAtt"), "no task invokes a function's unqualified ARN");
    }

    @Test
    void tradeAndSettleRunOneAtATime_andAFailedScheduledRunLandsInTheFailuresQueue() {
        String failures = logicalId("AWS::SQS::Queue", "AsyncFailures");
        for (String handler : List.of(ConfluxStack.TRADE_HANDLER, ConfluxStack.SETTLE_HANDLER)) {
            String fn = functionWithHandler(handler);
            assertEquals(1, props(resources.get(fn)).get("ReservedConcurrentExecutions"), handler);
            Map<String, Object> config = ofType("AWS::Lambda::EventInvokeConfig").values().stream().map(ConfluxStackTest::props)
                    .filter(c -> String.valueOf(c.get("FunctionName")).contains(fn)).findFirst().orElseThrow();
            assertTrue(String.valueOf(config.get("Qualifier")).contains("Ref=" + aliasOf(fn)), "on the alias: " + config.get("Qualifier"));
            assertEquals(2, config.get("MaximumRetryAttempts"));
            assertEquals(failures, getAttTarget(((Map<String, Object>) ((Map<String, Object>) config.get("DestinationConfig")).get("OnFailure")).get("Destination")));
        }
        for (String other : List.of(ConfluxStack.API_HANDLER, ConfluxStack.INGEST_HANDLER)) {
            assertNull(props(resources.get(functionWithHandler(other))).get("ReservedConcurrentExecutions"), other + " scales");
        }
    }

    @Test
    void everyScheduleTargetsAFunctionOfThisStack() {
        Map<String, Map<String, Object>> rules = ofType("AWS::Events::Rule");
        assertEquals(StackConfig.Agent.defaults().marketNames().size() + 1, rules.size(), "a tick per market and settlement");
        for (var r : rules.entrySet()) {
            assertTrue(String.valueOf(props(r.getValue()).get("ScheduleExpression")).startsWith("cron("), r.getKey());
            for (Map<String, Object> t : (List<Map<String, Object>>) props(r.getValue()).get("Targets")) {
                Map<String, Object> alias = resources.get(ref(t.get("Arn")));
                assertNotNull(alias, r.getKey() + " targets " + t.get("Arn"));
                assertEquals("AWS::Lambda::Alias", alias.get("Type"));
                assertTrue(javaFunctions().containsKey(ref(props(alias).get("FunctionName"))), r.getKey());
                // and EventBridge may invoke it
                assertTrue(ofType("AWS::Lambda::Permission").values().stream().map(ConfluxStackTest::props)
                        .anyMatch(p -> "events.amazonaws.com".equals(p.get("Principal")) && ref(p.get("FunctionName")).equals(ref(t.get("Arn")))
                                && String.valueOf(p.get("SourceArn")).contains(r.getKey())), r.getKey() + " may invoke its target");
            }
        }
    }

    @Test
    void secrets_areReferencedNeverInlined() {
        String json = template.toJSON().toString();
        assertFalse(json.contains("TOKEN_SECRET\""), "the token secret itself is never an environment variable");
        for (String fn : javaFunctions().keySet()) {
            for (String name : environment(fn).keySet()) {
                assertFalse(name.matches(".*(KEY|SECRET)") && !name.equals("CONFLUX_BROKER_SECRET_ARN"), fn + " has a secret in its environment: " + name);
            }
        }
        assertTrue(environment(functionWithHandler(ConfluxStack.API_HANDLER)).containsKey("TOKEN_SECRET_ARN"));
        assertTrue(environment(functionWithHandler(ConfluxStack.AUTHORIZER_HANDLER)).containsKey("TOKEN_SECRET_ARN"));
    }

    // ---- the HTTP API ----------------------------------------------------------------------------------------------

    @Test
    void theHttpApi_passesTheSignInAuthorizer_butOnItsPublicRoutes_isThrottled_andLogsAccess() {
        template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        Map<String, Object> api = props(ofType("AWS::ApiGatewayV2::Api").values().iterator().next());
        assertEquals("HTTP", api.get("ProtocolType"));
        assertTrue(String.valueOf(api.get("CorsConfiguration")).contains("authorization"), String.valueOf(api.get("CorsConfiguration")));
        Map<String, Object> authorizer = props(ofType("AWS::ApiGatewayV2::Authorizer").values().iterator().next());
        assertEquals("REQUEST", authorizer.get("AuthorizerType"));
        assertEquals(true, authorizer.get("EnableSimpleResponses"));
        assertEquals(List.of("$request.header.Authorization"), authorizer.get("IdentitySource"));
        assertTrue(String.valueOf(authorizer.get("AuthorizerUri")).contains(aliasOf(functionWithHandler(ConfluxStack.AUTHORIZER_HANDLER))));

        Map<String, String> routes = new HashMap<>();
        for (var r : ofType("AWS::ApiGatewayV2::Route").values()) routes.put((String) props(r).get("RouteKey"), (String) props(r).get("AuthorizationType"));
        assertEquals("CUSTOM", routes.get("$default"), "everything not named public needs a session");
        for (String open : ConfluxStack.PUBLIC_ROUTES) assertEquals("NONE", routes.get(open), open);
        assertEquals(ConfluxStack.PUBLIC_ROUTES.size() + 1, routes.size(), routes.toString());

        Map<String, Object> stage = props(ofType("AWS::ApiGatewayV2::Stage").values().iterator().next());
        assertEquals(Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100), Map.of(
                "ThrottlingRateLimit", ((Map<String, Object>) stage.get("DefaultRouteSettings")).get("ThrottlingRateLimit"),
                "ThrottlingBurstLimit", ((Map<String, Object>) stage.get("DefaultRouteSettings")).get("ThrottlingBurstLimit")));
        assertNotNull(((Map<String, Object>) stage.get("AccessLogSettings")).get("DestinationArn"));
        template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Match.objectLike(Map.of("IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0")));
    }

    @Test
    void theApiStartsRounds_onTheRoundStateMachineOnly_andScoreHasRoomToMapUpdates() {
        String machine = ofType("AWS::StepFunctions::StateMachine").keySet().iterator().next();
        assertEquals(Map.of("Ref", machine), environment(functionWithHandler(ConfluxStack.API_HANDLER)).get("ROUND_STATE_MACHINE_ARN"));
        List<Object> starts = new ArrayList<>();
        for (var p : ofType("AWS::IAM::Policy").values()) {
            for (Map<String, Object> st : (List<Map<String, Object>>) ((Map<String, Object>) props(p).get("PolicyDocument")).get("Statement")) {
                if (strings(st.get("Action")).contains("states:StartExecution")) starts.add(st.get("Resource"));
            }
        }
        assertFalse(starts.isEmpty());
        assertTrue(starts.stream().allMatch(r -> r.equals(Map.of("Ref", machine))), starts.toString());
        assertEquals(Map.of("Size", ConfluxStack.SCORE_EPHEMERAL_MIB), props(resources.get(roundFunction(RoundStep.SCORE))).get("EphemeralStorage"));
    }

    // ---- the round workflow ------------------------------------------------------------------------------------------

    @Test
    void roundStateMachine_isTheDefinitionTheLocalRuntimeRuns_withOneFunctionPerStep() throws Exception {
        Map<String, Map<String, Object>> machines = ofType("AWS::StepFunctions::StateMachine");
        assertEquals(1, machines.size());
        Map<String, Object> props = props(machines.values().iterator().next());
        assertNotNull(props.get("LoggingConfiguration"), "the round workflow logs");
        assertEquals(Map.of("Enabled", true), props.get("TracingConfiguration"));
        // alias logical id -> its step
        Map<String, RoundStep> stepOf = new HashMap<>();
        for (RoundStep s : RoundStep.values()) stepOf.put(aliasOf(roundFunction(s)), s);
        // the deployed definition with each alias replaced by the step's local ARN ...
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) props.get("DefinitionString")).get("Fn::Join")).get(1);
        StringBuilder deployed = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String str) deployed.append(str);
            else deployed.append(RoundWorkflowAsl.localArn(stepOf.get(ref(part))));
        }
        // ... is exactly what the local runtime renders and runs
        assertEquals(io.conflux.platform.Json.parse(RoundWorkflowAsl.render(ConfluxStack.ROUND_MAP_CONCURRENCY)),
                io.conflux.platform.Json.parse(deployed.toString()));
    }

    // ---- what operators watch ------------------------------------------------------------------------------------------

    @Test
    void alarmsWatchDeadLettersFunctionErrorsFailedRoundsAndSettlements_andGoToTheEncryptedTopic() {
        String topic = logicalId("AWS::SNS::Topic", "MonitoringAlarms");
        assertNotNull(props(resources.get(topic)).get("KmsMasterKeyId"), "the alarm topic is encrypted");
        Map<String, Map<String, Object>> alarms = ofType("AWS::CloudWatch::Alarm");
        Set<String> names = new HashSet<>();
        for (var a : alarms.values()) {
            Map<String, Object> p = props(a);
            names.add((String) p.get("AlarmName"));
            assertEquals(List.of(Map.of("Ref", topic)), p.get("AlarmActions"), p.get("AlarmName") + " notifies");
        }
        String prefix = "conflux-" + STAGE + "-";
        Set<String> expected = new HashSet<>(Set.of(prefix + "dead-letters-ingest", prefix + "dead-letters-async-invocations",
                prefix + "rounds-failed", prefix + "settlements-failed", prefix + "api-5xx"));
        for (String id : List.of("api", "authorizer", "ingest", "trade", "settle")) expected.add(prefix + "errors-" + id);
        for (RoundStep s : RoundStep.values()) expected.add(prefix + "errors-round-" + s.name().toLowerCase(java.util.Locale.ROOT));
        assertEquals(expected, names);

        // settlements that did not settle are counted from the settle function's log lines
        Map<String, Object> filter = props(ofType("AWS::Logs::MetricFilter").values().iterator().next());
        assertEquals("{ ($.event = \"settlement\") && ($.status != \"SETTLED\") }", filter.get("FilterPattern"));
        assertEquals(props(resources.get(functionWithHandler(ConfluxStack.SETTLE_HANDLER))).get("LoggingConfig"),
                Map.of("LogGroup", Map.of("Ref", ref(filter.get("LogGroupName")))));
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        resources.forEach((id, r) -> {
            if (type.equals(r.get("Type"))) out.put(id, r);
        });
        return out;
    }

    static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    /** Our functions (the CDK's deploy-time handlers are not Java). */
    private static Map<String, Map<String, Object>> javaFunctions() {
        Map<String, Map<String, Object>> out = ofType("AWS::Lambda::Function");
        out.values().removeIf(f -> !String.valueOf(props(f).get("Runtime")).startsWith("java"));
        return out;
    }

    private static String logicalId(String type, String prefix) {
        List<String> ids = ofType(type).keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        assertEquals(1, ids.size(), type + " " + prefix + ": " + ids);
        return ids.getFirst();
    }

    /** The one function with this handler (asserted to be one). */
    private static String functionWithHandler(String handler) {
        List<String> ids = javaFunctions().entrySet().stream().filter(e -> handler.equals(props(e.getValue()).get("Handler"))).map(Map.Entry::getKey).toList();
        assertEquals(1, ids.size(), handler);
        return ids.getFirst();
    }

    private static String roundFunction(RoundStep step) {
        return javaFunctions().entrySet().stream().filter(e -> step.name().equals(environment(e.getKey()).get(RoundStep.ENV)))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Map<String, Object> environment(String function) {
        return (Map<String, Object>) ((Map<String, Object>) props(resources.get(function)).get("Environment")).get("Variables");
    }

    /** The function's one alias ("live", on a published version of it). */
    private static String aliasOf(String function) {
        List<String> aliases = ofType("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> function.equals(ref(props(e.getValue()).get("FunctionName")))).map(Map.Entry::getKey).toList();
        assertEquals(1, aliases.size(), function + " has one alias");
        Map<String, Object> p = props(resources.get(aliases.getFirst()));
        assertEquals(ConfluxStack.LIVE, p.get("Name"));
        String version = getAttTarget(p.get("FunctionVersion"));
        assertEquals("AWS::Lambda::Version", resources.get(version).get("Type"));
        assertEquals(function, ref(props(resources.get(version)).get("FunctionName")));
        return aliases.getFirst();
    }

    /** A reference (Ref, or a name or ARN built from one) to one of the stack's aliases. */
    private static boolean namesAnAlias(Object expression) {
        String s = String.valueOf(expression);
        return ofType("AWS::Lambda::Alias").keySet().stream().anyMatch(a -> s.contains("Ref=" + a + "}"));
    }

    private static List<Map<String, Object>> statementsOf(String function) {
        String role = getAttTarget(props(resources.get(function)).get("Role"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (var p : ofType("AWS::IAM::Policy").values()) {
            if (!((List<Object>) props(p).get("Roles")).contains(Map.of("Ref", role))) continue;
            out.addAll((List<Map<String, Object>>) ((Map<String, Object>) props(p).get("PolicyDocument")).get("Statement"));
        }
        return out;
    }

    private static String policyOf(String function) {
        return statementsOf(function).toString();
    }

    private static String ref(Object o) {
        if (o instanceof Map<?, ?> m && m.get("Ref") != null) return (String) m.get("Ref");
        if (o instanceof Map<?, ?> m && m.get("Fn::GetAtt") != null) return getAttTarget(o);
        return String.valueOf(o);
    }

    private static String getAttTarget(Object o) {
        if (o instanceof Map<?, ?> m && m.get("Fn::GetAtt") instanceof List<?> l) return (String) l.get(0);
        if (o instanceof Map<?, ?> m && m.get("Ref") != null) return (String) m.get("Ref");
        return String.valueOf(o);
    }

    private static List<String> strings(Object o) {
        if (o instanceof List<?> l) return l.stream().map(String::valueOf).collect(Collectors.toList());
        return List.of(String.valueOf(o));
    }
}
