package io.conflux.infra;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Deployment options from CDK context: what they change in the template, and the errors bad values get. */
@SuppressWarnings("unchecked")
class StackConfigTest {
    private static Template template;
    private static Annotations annotations;

    private static final Map<String, Object> CONTEXT = Map.of("stage", "prod", "markets", "BTC-USDT=btc-usdt-1h,ETH-USDT=eth-usdt-1h",
            "tickSchedule", "cron(5 * * * ? *)", "feeBps", "7.5", "broker", "binance:https://api.binance.com", "advisor", "openai",
            "advisorUrl", "https://api.openai.com/v1", "advisorModel", "gpt-4o-mini", "corsOrigins", "https://app.conflux.example",
            "alarmEmail", "ops@conflux.example");

    @BeforeAll
    static void synth() {
        Map<String, Object> ctx = new HashMap<>(CONTEXT);
        ctx.put("reservedConcurrency", "false");
        App app = new App();
        StackConfig config = StackConfig.fromContext(ctx::get);
        ConfluxStack stack = new ConfluxStack(app, "Conflux-prod", StackProps.builder().build(), config);
        Aspects.of(stack).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
        template = Template.fromStack(stack);
        annotations = Annotations.fromStack(stack);
    }

    @Test
    void fromContext_readsEveryOption_withDefaultsForTheRest() {
        StackConfig c = StackConfig.fromContext(CONTEXT::get);
        assertEquals("prod", c.stage());
        assertEquals(List.of("BTC-USDT", "ETH-USDT"), c.agent().marketNames());
        assertEquals(7.5, c.agent().feeBps());
        assertEquals(List.of("https://app.conflux.example"), c.api().corsOrigins());
        assertTrue(c.ops().reservedConcurrency());
        assertNull(c.settlement(), "no vault, no settlement");
        StackConfig d = StackConfig.fromContext(k -> null);
        assertEquals(StackConfig.Agent.defaults(), d.agent());
        assertEquals(StackConfig.Api.defaults(), d.api());
        assertEquals("dev", d.stage());
    }

    @Test
    void badOptions_areRefusedSayingWhatIsExpected() {
        Map<String, String> bad = Map.of("markets", "BTCUSDT", "tickSchedule", "rate(1 hour)", "feeBps", "250", "broker", "kraken",
                "advisor", "gpt", "vault", "0x1234");
        Map<String, String> says = Map.of("markets", "MARKET=candles-name", "tickSchedule", "cron expression", "feeBps", "0-100 bps",
                "broker", "paper or binance", "advisor", "none, openai or bedrock", "vault", "40 hex digits");
        bad.forEach((key, value) -> {
            Map<String, Object> ctx = new HashMap<>(Map.of(key, value));
            if (key.equals("vault")) ctx.putAll(Map.of("chainRpc", "https://rpc", "registry", "0x" + "22".repeat(20), "token", "0x" + "33".repeat(20)));
            var e = assertThrows(IllegalArgumentException.class, () -> StackConfig.fromContext(ctx::get), key);
            assertTrue(e.getMessage().contains(says.get(key)), key + ": " + e.getMessage());
        });
        var noUrl = assertThrows(IllegalArgumentException.class, () -> StackConfig.fromContext(Map.<String, Object>of("advisor", "openai", "advisorModel", "m")::get));
        assertTrue(noUrl.getMessage().contains("advisorUrl"), noUrl.getMessage());
        var httpRpc = assertThrows(IllegalArgumentException.class, () -> new StackConfig.Settlement("http://rpc", "0x" + "11".repeat(20),
                "0x" + "22".repeat(20), "0x" + "33".repeat(20), 0));
        assertTrue(httpRpc.getMessage().contains("https://"), httpRpc.getMessage());
    }

    @Test
    void theOptionsShapeTheTemplate() {
        Map<String, Map<String, Object>> fns = template.findResources("AWS::Lambda::Function", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("Handler", ConfluxStack.TRADE_HANDLER)))));
        assertEquals(1, fns.size());
        String trade = fns.keySet().iterator().next();
        Map<String, Object> p = ConfluxStackTest.props(fns.get(trade));
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) p.get("Environment")).get("Variables");
        assertEquals("7.5", env.get("CONFLUX_AGENT_FEE_BPS"));
        assertEquals("binance:https://api.binance.com", env.get("CONFLUX_BROKER"));
        assertTrue(String.valueOf(env.get("CONFLUX_BROKER_SECRET_ARN")).contains("ExchangeKeys"), String.valueOf(env));
        assertTrue(String.valueOf(env.get("CONFLUX_ADVISOR_API_KEY_ARN")).contains("AdvisorKey"), String.valueOf(env));
        assertEquals("gpt-4o-mini", env.get("CONFLUX_ADVISOR_MODEL"));
        assertNull(p.get("ReservedConcurrentExecutions"), "reservedConcurrency=false (accounts with the new-account quota)");

        // one rule per market, on the configured schedule; no settlement without a vault
        Map<String, Map<String, Object>> rules = template.findResources("AWS::Events::Rule");
        assertEquals(2, rules.size());
        rules.values().forEach(r -> assertEquals("cron(5 * * * ? *)", ConfluxStackTest.props(r).get("ScheduleExpression")));
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Match.objectLike(Map.of("Handler", ConfluxStack.SETTLE_HANDLER)), 0);
        template.resourceCountIs("AWS::Logs::MetricFilter", 0);

        template.hasResourceProperties("AWS::SNS::Subscription", Match.objectLike(Map.of("Protocol", "email", "Endpoint", "ops@conflux.example")));
        template.hasResourceProperties("AWS::ApiGatewayV2::Api", Match.objectLike(Map.of("CorsConfiguration",
                Match.objectLike(Map.of("AllowOrigins", List.of("https://app.conflux.example"))))));
        assertEquals(List.of(), annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")).stream()
                .map(m -> m.getId() + " " + m.getEntry().getData()).toList(), "the optional secrets are suppressed with their reasons too");
    }

    @Test
    void aBedrockAdvisor_mayInvokeItsModelOnly() {
        App app = new App();
        StackConfig config = StackConfig.fromContext(Map.<String, Object>of("advisor", "bedrock", "advisorModel", "anthropic.claude-3-haiku-20240307-v1:0")::get);
        Template t = Template.fromStack(new ConfluxStack(app, "Conflux-dev", StackProps.builder().build(), config));
        List<Object> invokes = new java.util.ArrayList<>();
        t.findResources("AWS::IAM::Policy").values().forEach(r -> {
            Map<String, Object> doc = (Map<String, Object>) ConfluxStackTest.props(r).get("PolicyDocument");
            for (Map<String, Object> st : (List<Map<String, Object>>) doc.get("Statement")) {
                if (String.valueOf(st.get("Action")).contains("bedrock:")) invokes.add(st);
            }
        });
        assertEquals(1, invokes.size(), invokes.toString());
        Map<String, Object> st = (Map<String, Object>) invokes.getFirst();
        assertEquals("bedrock:InvokeModel", st.get("Action"));
        assertTrue(String.valueOf(st.get("Resource")).contains("::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"), String.valueOf(st));
        assertFalse(String.valueOf(t.toJSON()).contains("AdvisorKey"), "no key secret for Bedrock (IAM signs the calls)");
    }
}
