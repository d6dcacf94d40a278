package io.conflux.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.aggregation.InMemorySource;
import io.conflux.aggregation.Strategies;
import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.aws.Settings;
import io.conflux.federation.Receipt;
import io.conflux.identity.Wallet;
import io.conflux.trader.ConfluxClient;
import io.conflux.model.ModelParameters;
import io.conflux.model.Tensor;
import io.conflux.platform.PlatformException;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.update.ModelUpdate;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime as an operator and traders meet it over HTTP: opening a round starts the round
 * state machine through the Step Functions API (the SDK client against the interpreter-backed
 * stand-in), and the API then serves what the round produced: its result, the model with presigned
 * downloads, the contribution scores.
 */
@ExtendWith(SharedStandIns.class)
class LocalRuntimeTest {
    private static LocalRuntime rt;
    private static ConfluxClient operator;

    @BeforeAll
    static void start(LocalAws shared, @TempDir Path dir) throws Exception {
        // with the chain, and settlement epochs of six hours from the day the agent's ticks below replay
        rt = LocalRuntime.on(shared.target(), "rt", dir, Map.of(io.conflux.settle.SettleHandler.GENESIS, "2021-09-20T00:00:00Z",
                io.conflux.settle.SettleHandler.LENGTH, "PT6H"), true);
        operator = new ConfluxClient(rt.apiUrl());
        operator.signIn(rt.operator());
    }

    @AfterAll
    static void stop() {
        if (rt != null) rt.close();
    }

    @Test
    void theRuntimesResourcesAndRoundWorkflow_areTheStacksDefinitions() {
        Env env = rt.platform().env();
        for (var t : io.conflux.resources.ConfluxResources.tables()) assertEquals(t.physicalName("rt"), env.require(t.envVar()));
        for (var b : io.conflux.resources.ConfluxResources.buckets()) assertEquals(b.physicalName("rt"), env.require(b.envVar()));
        var q = io.conflux.resources.ConfluxResources.INGEST_QUEUE;
        assertTrue(env.require(q.envVar()).endsWith("/" + q.physicalName("rt")), env.require(q.envVar()));
        // ConfluxStackTest shows the deployed state machine is RoundWorkflowAsl.render(the stack's fan-out); this runtime
        // runs the same definition, only with a smaller fan-out for two cores
        String stacks = io.conflux.infra.RoundWorkflowAsl.render(io.conflux.infra.ConfluxStack.ROUND_MAP_CONCURRENCY);
        String expected = stacks.replace("\"MaxConcurrency\":" + io.conflux.infra.ConfluxStack.ROUND_MAP_CONCURRENCY,
                "\"MaxConcurrency\":" + LocalRuntime.MAP_CONCURRENCY);
        assertNotEquals(stacks, expected, "the fan-out is in the definition");
        assertEquals(expected, rt.roundDefinition());
    }

    @Test
    void theRuntimeSaysWhereItsOpenApiDocumentIs_andServesIt() throws Exception {
        java.net.URI doc = rt.apiUrl().resolve("/openapi.json");
        assertTrue(rt.describe().contains(doc.toString()), rt.describe());
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(doc).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("3.1.0", new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("openapi").asText());
    }

    @Test
    void openingARound_startsItsWorkflow_andTheApiServesItsModelAndScores() throws Exception {
        Map<String, Object> policy = policy(2, 2, "fedavg");
        JsonNode opened = operator.call("POST", "/rounds", Map.of("durationSeconds", 300, "normBound", 2.0, "policy", policy));
        String roundId = opened.get("roundId").asText();
        String execution = opened.get("workflowExecution").asText();
        assertTrue(execution.endsWith(":execution:" + LocalRuntime.ROUND_STATE_MACHINE + ":" + roundId), execution);
        assertEquals("fedavg", opened.at("/policy/rule").asText());
        assertEquals(2, opened.at("/policy/maxUpdates").asInt());
        assertEquals("2021-09-01T00:00:00Z", opened.at("/policy/validationFrom").asText());

        // a repeated start while the round collects is the same execution, not a second one
        ConfluxClient.Answer again = operator.answer("POST", "/rounds/" + roundId + "/workflow", null);
        assertEquals(202, again.status());
        assertEquals(execution, again.json().get("workflowExecution").asText());

        Round round = rt.platform().rounds().get(roundId);
        ModelParameters base = round.baseModel().equals(Round.GENESIS) ? ModelParameters.genesis(round.template())
                : ModelParameters.fromSafeTensors(rt.platform().modelsBucket().get("parameters/" + round.baseModel() + ".safetensors"));
        List<InMemorySource.Update> sent = new ArrayList<>();
        List<String> traders = new ArrayList<>();
        List<Wallet> wallets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Wallet w = Wallet.create();
            wallets.add(w);
            ConfluxClient t = new ConfluxClient(rt.apiUrl());
            t.signIn(w);
            ModelUpdate u = TestUpdates.gaussian(round.template(), roundId, w.address(), 500 + i, 0.3 + 0.2 * i);
            String upload = t.upload(u, w);
            assertEquals("ACCEPTED", t.verdict(roundId, upload, Duration.ofSeconds(20)).get("status").asText());
            sent.add(new InMemorySource.Update(HexFormat.of().formatHex(UpdateEnvelope.sha256(UpdateEnvelope.payload(u))), u.sampleCount(),
                    Tensor.flatten(u.tensors())));
            traders.add(w.address());
        }

        LocalStepFunctions.Execution run = rt.stepFunctions().await(execution, Duration.ofMinutes(3));
        assertTrue(run.succeeded(), run.error() + ": " + run.cause());

        JsonNode result = operator.call("GET", "/rounds/" + roundId + "/result", null);
        assertEquals("PUBLISHED", result.at("/round/status").asText());
        JsonNode model = result.get("model");
        assertEquals(result.at("/round/modelVersion").asLong(), model.get("version").asLong());
        ModelParameters expected = base.plus(Strategies.parse("fedavg", 2.0).aggregate(new InMemorySource(sent)).values());
        assertEquals(expected.hash(), model.get("parametersHash").asText(), "the published model is the base plus the FedAvg of the two updates");
        assertTrue(model.at("/evaluation/candidate/windows").asInt() > 100, model.get("evaluation").toString());

        // the presigned download is the ONNX file whose hash the registry (and later the chain) records
        byte[] onnx = operator.download(java.net.URI.create(model.at("/download/url").asText()));
        assertEquals(model.get("onnxSha256").asText(), HexFormat.of().formatHex(UpdateEnvelope.sha256(onnx)));
        assertArrayEquals(expected.toOnnx(), onnx);
        assertEquals(expected.hash(), ModelParameters.fromSafeTensors(operator.download(java.net.URI.create(model.at("/parameters/url").asText()))).hash());
        Map<String, Object> receipt = Receipt.verify(new String(operator.download(java.net.URI.create(model.at("/receipt/url").asText())), StandardCharsets.UTF_8),
                rt.platform().platformKey().address());
        assertEquals(roundId, receipt.get("roundId"));

        JsonNode current = operator.call("GET", "/models/current", null);
        assertEquals(model.get("version").asLong(), current.get("version").asLong());
        assertTrue(current.at("/download/url").asText().startsWith("http"));
        JsonNode list = operator.call("GET", "/models", null);
        assertEquals(model.get("version").asLong(), list.get(0).get("version").asLong(), "newest first");
        assertFalse(list.get(0).hasNonNull("download"), "the list carries no URLs");
        ConfluxClient.Answer missing = operator.answer("GET", "/models/999999", null);
        assertEquals(404, missing.status());
        assertEquals("NO_MODEL", missing.json().get("error").asText());
        assertEquals(400, operator.answer("GET", "/models/current?templateId=nonsense", null).status());

        JsonNode scores = operator.call("GET", "/rounds/" + roundId + "/scores", null);
        assertEquals(2, scores.get("scores").size());
        long ppm = 0;
        for (JsonNode s : scores.get("scores")) {
            assertTrue(traders.contains(s.get("trader").asText()));
            assertTrue(s.get("payoutPpm").asLong() >= 0);
            ppm += s.get("payoutPpm").asLong();
        }
        assertTrue(ppm == 0 || ppm == 1_000_000, "payout shares sum to one million or are all zero: " + ppm);

        ConfluxClient.Answer finished = operator.answer("POST", "/rounds/" + roundId + "/workflow", null);
        assertEquals(409, finished.status());
        assertEquals("ROUND_FINISHED", finished.json().get("error").asText());

        theAgentTradesThePublishedModel(model.get("version").asLong());
        theEpochSettlesOnChain(wallets);
    }

    /** The six ticks are epoch 0 (six hours): the settle function records and settles it on the runtime's chain. */
    private void theEpochSettlesOnChain(List<Wallet> wallets) throws Exception {
        DevChain chain = rt.chain().orElseThrow();
        assertTrue(rt.describe().contains(chain.rpcUrl()) && rt.describe().contains(chain.contracts().vault()), rt.describe());
        JsonNode portfolio = operator.call("GET", "/agent/BTC-USDT/portfolio", null);
        long equity = operator.call("GET", "/agent/BTC-USDT/decisions?limit=1", null).get(0).get("valueAfter").asLong();
        long profit = Math.max(0, equity - portfolio.get("initialCash").asLong());

        Map<String, Object> settled = rt.settle(0);
        assertEquals(1, ((List<?>) settled.get("settled")).size(), settled.toString());
        JsonNode epoch = new ConfluxClient(rt.apiUrl()).call("GET", "/epochs/0", null);
        assertEquals("SETTLED", epoch.get("status").asText(), epoch.toString());
        assertEquals(equity, epoch.get("equity").asLong(), "the book's value after the epoch's last tick");
        assertEquals(profit, epoch.get("profit").asLong());
        assertEquals(profit * epoch.get("feeBps").asLong() / 10_000, epoch.get("fee").asLong());
        assertEquals(profit, epoch.get("fee").asLong() + epoch.get("allocated").asLong() + epoch.get("dust").asLong() + epoch.get("investors").asLong(),
                "the split conserves the profit");
        var vault = chain.contracts().vault(chain.chain(), chain.admin());
        assertEquals(java.math.BigInteger.ONE, vault.nextEpoch().send(), "epoch 0 is settled on-chain");
        var onChain = vault.epochOf(java.math.BigInteger.ZERO).send();
        assertEquals(java.math.BigInteger.valueOf(profit), onChain.component3(), "the chain holds the recorded profit");
        assertNotNull(chain.chain().web3j().ethGetTransactionReceipt(epoch.get("txHash").asText()).send().getTransactionReceipt().orElse(null));
        assertEquals(List.of(), rt.settle(0).get("settled"), "settling again changes nothing");

        // each contributor reads their allocations from the API (the vault is configured now: no 503). Whether this
        // epoch made a profit depends on the model's six decisions; claiming with a proof is covered with a known
        // profit in SettlementTest and VaultContractTest.
        long allocated = 0;
        for (Wallet w : wallets) {
            ConfluxClient trader = new ConfluxClient(rt.apiUrl());
            trader.signIn(w);
            JsonNode payouts = trader.call("GET", "/me/payouts", null);
            assertEquals(chain.contracts().vault(), payouts.get("vault").asText());
            for (JsonNode a : payouts.get("allocations")) allocated += a.get("amount").asLong();
        }
        assertEquals(epoch.get("allocated").asLong(), allocated, "the allocations are what the epoch allocated");
    }

    /** The published model drives the agent's hourly ticks (on the replay feed), and the API shows what it did. */
    private void theAgentTradesThePublishedModel(long version) throws Exception {
        // published with its backtest over the round's validation window: anyone can judge it before it trades
        JsonNode backtest = operator.call("GET", "/models/" + version + "/backtest", null);
        assertEquals("2021-09-01T00:00:00Z", backtest.get("from").asText());
        assertTrue(backtest.get("candles").asInt() > 400 && backtest.get("candles").asInt() <= 19 * 24, backtest.get("candles").toString());
        assertEquals(backtest.get("trades").asInt(), backtest.get("tradeList").size());
        JsonNode curve = backtest.at("/curve/value");
        assertEquals(backtest.get("finalValue").asLong(), curve.get(curve.size() - 1).asLong());
        assertTrue(backtest.at("/strategy/maxDrawdown").isNumber() && backtest.at("/buyAndHold/totalReturn").isNumber());
        assertEquals("NO_MODEL", operator.answer("GET", "/models/999/backtest", null).json().get("error").asText());

        assertEquals(404, operator.answer("GET", "/agent/BTC-USDT/portfolio", null).status(), "no tick yet");
        java.time.Instant start = java.time.Instant.parse("2021-09-20T00:00:00Z");
        for (int h = 0; h < 6; h++) assertEquals("RECORDED", rt.tick("BTC-USDT", start.plusSeconds(3600L * h + 42)).get("status"));
        assertEquals("DUPLICATE", rt.tick("BTC-USDT", start.plusSeconds(3600 * 2)).get("status"));

        JsonNode portfolio = operator.call("GET", "/agent/BTC-USDT/portfolio", null);
        assertEquals(6, portfolio.get("ticks").asLong());
        assertEquals("2021-09-20T05:00:00Z", portfolio.get("lastTick").asText());
        assertEquals(portfolio.get("initialCash").asLong(), portfolio.get("cash").asLong() + portfolio.get("costBasis").asLong()
                - portfolio.get("realizedPnl").asLong(), "the books conserve value");
        JsonNode decisions = operator.call("GET", "/agent/BTC-USDT/decisions?limit=10", null);
        assertEquals(6, decisions.size());
        assertEquals("2021-09-20T05:00:00Z", decisions.get(0).get("scheduledAt").asText(), "newest first");
        for (JsonNode d : decisions) {
            assertEquals(version, d.get("modelVersion").asLong());
            assertFalse(d.get("rationale").asText().isBlank());
            assertEquals(3, d.get("probabilities").size());
        }
        JsonNode trades = operator.call("GET", "/agent/BTC-USDT/trades", null);
        JsonNode days = operator.call("GET", "/agent/BTC-USDT/days", null);
        assertEquals(1, days.size(), "six hours of one day");
        assertEquals("2021-09-20", days.get(0).get("date").asText());
        assertEquals(decisions.get(0).get("valueAfter").asLong(), days.get(0).get("value").asLong(), "the day's last tick");
        assertEquals(days.get(0).get("value").asLong() - portfolio.get("initialCash").asLong(), days.get(0).get("pnl").asLong());
        JsonNode audit = operator.call("GET", "/agent/BTC-USDT/audit?from=0&to=100", null);
        assertTrue(audit.get("intact").asBoolean());
        assertEquals(6 + trades.size(), audit.get("entries").size());
        // anyone can check the log and its root from what the API returns
        List<io.conflux.agent.AuditLog.Entry> entries = new ArrayList<>();
        for (JsonNode e : audit.get("entries")) {
            entries.add(new io.conflux.agent.AuditLog.Entry(e.get("sequence").asLong(), java.time.Instant.parse(e.get("at").asText()), e.get("kind").asText(),
                    e.get("payload").asText(), e.get("previousHash").asText(), e.get("hash").asText()));
        }
        assertTrue(io.conflux.agent.AuditLog.verify(entries, io.conflux.agent.AuditLog.GENESIS).intact());
        assertEquals(io.conflux.agent.AuditLog.root(entries), audit.get("root").asText());
        assertEquals(portfolio.get("auditHead").asText(), entries.get(entries.size() - 1).hash());
        // a period's root: the entries logged from 02:00 to 04:00, linked to the entry before them
        JsonNode period = operator.call("GET", "/agent/BTC-USDT/audit?since=2021-09-20T02:00:00Z&until=2021-09-20T04:00:00Z", null);
        List<io.conflux.agent.AuditLog.Entry> inPeriod = entries.stream()
                .filter(e -> !e.at().isBefore(java.time.Instant.parse("2021-09-20T02:00:00Z")) && e.at().isBefore(java.time.Instant.parse("2021-09-20T04:00:00Z"))).toList();
        assertTrue(inPeriod.size() >= 2);
        assertEquals(io.conflux.agent.AuditLog.root(inPeriod), period.get("root").asText());
        assertTrue(period.get("intact").asBoolean());
        assertEquals(inPeriod.get(0).sequence(), period.get("from").asLong());
        assertEquals(400, operator.answer("GET", "/agent/BTC-USDT/decisions?limit=100000", null).status());
        assertEquals(400, operator.answer("GET", "/agent/btc/portfolio", null).status());
    }

    @Test
    void aWorkflowThatCannotStart_leavesTheRoundOpen_andAnOperatorStartsItLater() throws Exception {
        Map<String, String> vars = new HashMap<>(rt.platform().env().asMap());
        vars.put(Settings.ROUND_STATE_MACHINE_ARN, vars.get(Settings.ROUND_STATE_MACHINE_ARN).replace(LocalRuntime.ROUND_STATE_MACHINE, "not-deployed"));
        String roundId;
        try (Platform broken = new Platform(new Env(vars), Clock.systemUTC())) {
            PlatformException e = assertThrows(PlatformException.class, () -> broken.rounds().openAndStart(
                    new RoundService.OpenRequest("r-unstarted", null, Duration.ofSeconds(2), null, null)));
            assertEquals("WORKFLOW_NOT_STARTED", e.code());
            assertEquals(PlatformException.Kind.UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().contains("POST /rounds/r-unstarted/workflow"), e.getMessage());
            roundId = "r-unstarted";
        }
        assertEquals(RoundStatus.OPEN, rt.platform().rounds().get(roundId).status(), "the round was kept");

        ConfluxClient.Answer started = operator.answer("POST", "/rounds/" + roundId + "/workflow", null);
        assertEquals(202, started.status(), started.json().toString());
        LocalStepFunctions.Execution run = rt.stepFunctions().await(started.json().get("workflowExecution").asText(), Duration.ofMinutes(1));
        assertTrue(run.succeeded(), run.error() + ": " + run.cause());
        assertTrue(run.statesEntered().contains("NoQuorum"), run.statesEntered().toString());

        JsonNode result = operator.call("GET", "/rounds/" + roundId + "/result", null);
        assertEquals("NO_QUORUM", result.at("/round/status").asText());
        assertEquals("0 accepted update(s) by the deadline, the quorum is 2", result.at("/round/statusReason").asText());
        assertFalse(result.hasNonNull("model"), "no model");
        assertEquals(0, operator.call("GET", "/rounds/" + roundId + "/scores", null).get("scores").size());
    }

    @Test
    void badRoundRequests_getSpecificErrors() throws Exception {
        ConfluxClient.Answer rule = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", policy(2, 0, "krum-ish")));
        assertEquals(400, rule.status());
        assertEquals("INVALID_ROUND", rule.json().get("error").asText());
        Map<String, Object> when = new LinkedHashMap<>(policy(2, 0, "median"));
        when.put("validationFrom", "last tuesday");
        ConfluxClient.Answer window = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", when));
        assertEquals(400, window.status());
        assertEquals("INVALID_POLICY", window.json().get("error").asText());
        ConfluxClient.Answer quorum = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", policy(3, 2, "median")));
        assertEquals("INVALID_POLICY", quorum.json().get("error").asText(), quorum.json().toString());
        // differential privacy: both settings or neither, a meaningful noise, and noised updates must fit the norm bound
        Map<String, Object> halfDp = new LinkedHashMap<>(policy(1, 1, "fedavg"));
        halfDp.put("dpClip", 0.05);
        assertEquals("INVALID_POLICY", operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", halfDp)).json().get("error").asText());
        halfDp.put("dpNoiseMultiplier", 0.1);
        ConfluxClient.Answer weak = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", halfDp));
        assertTrue(weak.json().get("message").asText().contains("at least 0.3"), weak.json().toString());
        halfDp.put("dpNoiseMultiplier", 3.0); // noise norm 3 x 0.05 x sqrt(7,523) = 13 > the bound 10
        ConfluxClient.Answer tooLoud = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", halfDp));
        assertEquals("INVALID_ROUND", tooLoud.json().get("error").asText());
        assertTrue(tooLoud.json().get("message").asText().contains("lower the DP clip or raise the bound"), tooLoud.json().toString());
        halfDp.put("dpNoiseMultiplier", 1.0);
        ConfluxClient.Answer dp = operator.answer("POST", "/rounds", Map.of("durationSeconds", 60, "policy", halfDp));
        assertEquals(201, dp.status(), dp.json().toString());
        assertEquals(0.05, dp.json().at("/policy/dpClip").asDouble());
        assertEquals(1.0, operator.call("GET", "/rounds/" + dp.json().get("roundId").asText(), null).at("/policy/dpNoiseMultiplier").asDouble(),
                "the requirement is stored with the round");

        ConfluxClient trader = new ConfluxClient(rt.apiUrl());
        trader.signIn(Wallet.create());
        ConfluxClient.Answer notOperator = trader.answer("POST", "/rounds", Map.of("durationSeconds", 60));
        assertEquals(403, notOperator.status());
        assertEquals(404, trader.answer("GET", "/rounds/r-nowhere/scores", null).status());
        assertEquals(403, trader.answer("POST", "/rounds/r-nowhere/workflow", null).status());
    }

    private static Map<String, Object> policy(int min, int max, String rule) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("minUpdates", min);
        p.put("maxUpdates", max);
        p.put("rule", rule);
        p.put("validationMarket", "btc-usdt-1h");
        p.put("validationFrom", "2021-09-01T00:00:00Z");
        p.put("validationTo", "2021-09-20T00:00:00Z");
        p.put("scoreBudget", 20);
        return p;
    }

}
