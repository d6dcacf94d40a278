package io.conflux.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conflux.evaluation.ValidationSets;
import io.conflux.features.Candle;
import io.conflux.features.Candles;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.rounds.Round;
import io.conflux.settle.SettleHandler;
import io.conflux.settlement.Allocation;
import io.conflux.trade.TradeHandler;
import io.conflux.trader.ConfluxClient;
import io.conflux.trader.LocalTrainer;
import io.conflux.trader.TraderHome;
import io.conflux.update.ModelUpdate;
import io.conflux.update.UpdateEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The main job on one machine: the platform on the local runtime with a chain; N traders, each in a JVM of their
 * own with a different slice of the shipped candles, train and upload through R rounds of the real state machine;
 * the models are compared on the validation window; the agent trades the last global model over a held-back period;
 * the epochs are settled on-chain and the traders claim. Everything observed goes into a JSON summary and an
 * offline HTML report ({@link DemoReport}). A phase that fails stops the run with its reason; the logs stay.
 */
final class DemoRun {
    /** A trader's keystore here costs 2^14 scrypt rounds, not geth's 2^18: the demo unlocks it in a dozen short-lived JVMs. */
    private static final String DEMO_KDF_COST = "16384";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private final DemoPlan plan;
    private final Path runDir;
    private final Path reportDir;
    private final int port;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectNode summary = json.createObjectNode();
    private final ArrayNode phases = json.createArrayNode();
    private final Map<String, Candles> hourly;
    /** The shipped files' text, read once: the traders' slices are copied from it verbatim. */
    private final Map<String, String> shippedCsv = new LinkedHashMap<>();
    private int phase;
    /** Starts the platform with the demo's settings: by default on stand-ins of its own; tests pass the run's shared ones. */
    private java.util.function.Function<Map<String, String>, LocalRuntime> platform;

    /** A phase that did not complete: its name, and a message that says why (with the log to read, where one exists). */
    static final class Failure extends RuntimeException {
        private final String phase;

        Failure(String phase, String message, Throwable cause) {
            super(message, cause);
            this.phase = phase;
        }

        String phase() {
            return phase;
        }
    }

    record Result(Path report, JsonNode summary) {}

    private record Trader(DemoPlan.Slice slice, TraderProcess process, Path candles, String address, int candleCount) {}

    DemoRun(DemoPlan.Options options, Path runDir, Path reportDir, int port, PrintStream out) throws IOException {
        this.hourly = new LinkedHashMap<>();
        for (String name : DemoPlan.MARKETS.values()) {
            String csv = shipped(name);
            shippedCsv.put(name, csv);
            hourly.put(name, Candles.readCsv(new java.io.StringReader(csv), name));
        }
        this.plan = DemoPlan.of(options, hourly);
        this.runDir = runDir;
        this.reportDir = reportDir;
        this.port = port;
        this.out = out;
        this.platform = settings -> LocalRuntime.start(runDir.resolve("platform"), false, port, true, settings);
    }

    /** Runs on a platform {@code start} gives (with a chain), e.g. on stand-ins already running. */
    DemoRun on(java.util.function.Function<Map<String, String>, LocalRuntime> start) {
        this.platform = start;
        return this;
    }

    DemoPlan plan() {
        return plan;
    }

    /** Runs every phase; {@code whileUp} sees the runtime before it stops (e.g. to keep serving). */
    Result run(Consumer<LocalRuntime> whileUp) throws IOException {
        long t0 = System.nanoTime();
        DemoPlan.Options o = plan.options();
        int total = o.rounds() + 7;
        Files.createDirectories(runDir);
        summary.put("schema", DemoReport.SCHEMA);
        summary.set("options", json.valueToTree(Map.of("traders", o.traders(), "rounds", o.rounds(), "epochs", o.epochs(), "markets", o.markets(),
                "agentDays", o.agentDays(), "validationDays", o.validationDays(), "historyDays", o.historyDays(), "seed", o.seed())));
        ObjectNode timeline = summary.putObject("timeline");
        timeline.put("trainingBefore", plan.validationFrom().toString());
        timeline.putObject("validation").put("market", DemoPlan.VALIDATION_CANDLES).put("from", plan.validationFrom().toString())
                .put("to", plan.agentFrom().toString());
        timeline.putObject("agent").put("from", plan.agentFrom().toString()).put("to", plan.agentTo().toString());
        out.printf("Conflux demo: %d traders, %d rounds of %d epochs; validation %s .. %s (%s); the agent trades %s over %s .. %s (held back).%n",
                o.traders(), o.rounds(), o.epochs(), day(plan.validationFrom()), day(plan.agentFrom()), DemoPlan.VALIDATION_CANDLES,
                String.join(", ", o.markets()), day(plan.agentFrom()), day(plan.agentTo()));
        out.println("Logs and the traders' machines: " + runDir.toAbsolutePath());

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(TradeHandler.MARKETS, String.join(",", o.markets().stream().map(m -> m + "=" + DemoPlan.MARKETS.get(m)).toList()));
        settings.put(SettleHandler.GENESIS, plan.agentFrom().toString());
        settings.put(SettleHandler.LENGTH, "P1D");
        LocalRuntime rt = phase(total, "start the platform: stand-ins, API, round state machine, Hardhat chain and contracts",
                () -> platform.apply(settings));
        try {
            DevChain chain = rt.chain().orElseThrow(() -> new IllegalStateException("the demo's platform needs a chain"));
            out.println("      API " + rt.apiUrl() + " (OpenAPI at /openapi.json), chain " + chain.rpcUrl() + ", vault " + chain.contracts().vault());
            summary.putObject("chain").put("rpc", chain.rpcUrl()).put("chainId", chain.chain().chainId()).put("vault", chain.contracts().vault())
                    .put("registry", chain.contracts().registry()).put("token", chain.contracts().token()).put("tokenSymbol", "USDT").put("tokenDecimals", 6);
            ConfluxClient operator = new ConfluxClient(rt.apiUrl());
            operator.signIn(rt.operator());
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / o.parallel());
            List<Trader> traders = phase(total, "traders join: a wallet each, generated on their own machine, and a sign-in (EIP-4361)",
                    () -> join(rt, chain, threads));
            ArrayNode rounds = summary.putArray("rounds");
            List<JsonNode> models = new ArrayList<>();
            for (int r = 1; r <= o.rounds(); r++) {
                int number = r;
                rounds.add(phase(total, "round " + r + " of " + o.rounds() + ": traders train from the round's base model and upload; the state machine "
                        + "aggregates, evaluates, scores and publishes", () -> round(rt, operator, traders, number, models)));
            }
            phase(total, "compare the models on the validation window: global, each trader's local-only, and a central one trained on all slices",
                    () -> compare(operator, traders, models));
            phase(total, "the agent trades the last global model, hourly, over the held-back period (paper broker, replay feed)", () -> agent(rt));
            phase(total, "settle each day's epoch on-chain: the high-water mark, the split by contribution, the allocations' Merkle root", () -> settle(rt));
            phase(total, "traders claim their payouts from the vault with their own wallets", () -> claims(rt, chain, traders));
            summary.put("durationSeconds", (System.nanoTime() - t0) / 1e9);
            summary.put("generatedAt", Instant.now().toString());
            Path report = phase(total, "write the report", () -> {
                summary.set("phases", phases);
                return DemoReport.write(summary, reportDir);
            });
            out.printf("%nDone in %.0f s. Report: %s%n          Summary: %s%n", (System.nanoTime() - t0) / 1e9, report.toAbsolutePath(),
                    reportDir.resolve("summary.json").toAbsolutePath());
            if (whileUp != null) whileUp.accept(rt);
            return new Result(report, summary);
        } finally {
            rt.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ phases

    private List<Trader> join(LocalRuntime rt, DevChain chain, int threads) throws Exception {
        List<Callable<Trader>> work = new ArrayList<>();
        for (DemoPlan.Slice s : plan.slices()) {
            work.add(() -> {
                Path home = runDir.resolve("traders").resolve(s.id());
                TraderProcess p = new TraderProcess(s.id(), home, runDir.resolve("logs").resolve(s.id() + ".log"), threads);
                Path csv = home.resolve(s.candles() + "-" + day(s.from()) + "-" + day(s.to()) + ".csv");
                int count = writeSlice(s, csv);
                p.run(COMMAND_TIMEOUT, "wallet", "new", "--kdf-cost", DEMO_KDF_COST);
                p.run(COMMAND_TIMEOUT, "login", "--api", rt.apiUrl().toString());
                String address = json.readTree(Files.readString(new TraderHome(home).walletFile())).get("address").asText().toLowerCase(java.util.Locale.ROOT);
                return new Trader(s, p, csv, address.startsWith("0x") ? address : "0x" + address, count);
            });
        }
        List<Trader> traders = all(work);
        // gas for claiming later: Hardhat's development account #3 plays the faucet, one transfer at a time (one nonce sequence)
        var faucet = chain.account(3);
        ArrayNode list = summary.putArray("traders");
        for (Trader t : traders) {
            new org.web3j.tx.Transfer(chain.chain().web3j(), faucet.transactions()).sendFunds(t.address(), BigDecimal.ONE, org.web3j.utils.Convert.Unit.ETHER).send();
            list.addObject().put("id", t.slice().id()).put("address", t.address()).put("market", t.slice().candles()).put("from", t.slice().from().toString())
                    .put("to", t.slice().to().toString()).put("candles", t.candleCount());
            out.printf("      %-9s %s  %s %s .. %s, %,d candles (1 ETH for gas)%n", t.slice().id(), t.address(), t.slice().candles(), day(t.slice().from()),
                    day(t.slice().to()), t.candleCount());
        }
        return traders;
    }

    private ObjectNode round(LocalRuntime rt, ConfluxClient operator, List<Trader> traders, int number, List<JsonNode> models) throws Exception {
        long t0 = System.nanoTime();
        DemoPlan.Options o = plan.options();
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("minUpdates", Math.min(2, traders.size()));
        policy.put("maxUpdates", traders.size());
        policy.put("validationMarket", DemoPlan.VALIDATION_CANDLES);
        policy.put("validationFrom", plan.validationFrom().toString());
        policy.put("validationTo", plan.agentFrom().toString());
        policy.put("scoreBudget", 40);
        policy.put("seed", o.seed() + number);
        JsonNode opened = operator.call("POST", "/rounds", Map.of("durationSeconds", 1800, "policy", policy));
        String roundId = opened.get("roundId").asText();
        Round round = rt.platform().rounds().get(roundId);
        out.printf("      round %s opened by the operator (rule %s, base model %s), closes when all %d updates are in%n", roundId, round.policy().rule(),
                Round.GENESIS.equals(round.baseModel()) ? "genesis" : round.baseModel().substring(0, 12) + "...", traders.size());
        int rejected = 0;
        if (number == 1) {
            // someone uploads a damaged envelope: ingest refuses it with a specific reason, and the round goes on without it
            Wallet mallory = Wallet.create();
            ConfluxClient c = new ConfluxClient(rt.apiUrl());
            c.signIn(mallory);
            List<io.conflux.model.Tensor> zeros = round.template().tensors().stream().map(io.conflux.model.Tensor::zeros).toList();
            byte[] sealed = UpdateEnvelope.seal(new ModelUpdate(roundId, mallory.address(), Instant.now(), 1, round.template().id(), zeros,
                    plan.validationFrom().minus(Duration.ofDays(1))), mallory, round.publicKey());
            sealed[sealed.length - 1] ^= 1;
            String upload = c.put(c.ticket(roundId, sealed.length), sealed, null);
            JsonNode v = c.verdict(roundId, upload, Duration.ofSeconds(30));
            if (!"DECRYPTION_FAILED".equals(v.path("reason").asText())) throw new IllegalStateException("a damaged upload was not refused as DECRYPTION_FAILED: " + v);
            out.printf("      a damaged upload (one bit flipped in transit) was refused: %s%n", v.path("reason").asText());
            rejected++;
        }
        List<Callable<String>> work = new ArrayList<>();
        for (Trader t : traders) {
            work.add(() -> {
                List<String> args = new ArrayList<>(List.of("train", "--round", roundId, "--candles", t.candles().toString(), "--epochs",
                        Integer.toString(o.epochs()), "--seed", Long.toString(o.seed() * 1000 + t.slice().number() * 10L + number)));
                if (number == 1) args.addAll(List.of("--save-model", localModel(t).toString()));
                String trained = t.process().run(COMMAND_TIMEOUT, args.toArray(String[]::new));
                String uploaded = t.process().run(COMMAND_TIMEOUT, "upload", "--round", roundId, "--wait", "60");
                String verdict = TraderProcess.line(uploaded, "verdict");
                if (!verdict.startsWith("ACCEPTED")) throw new TraderProcess.Failed(t.slice().id() + "'s update was not accepted: " + verdict);
                synchronized (out) {
                    out.printf("      %-9s %s; %s%n", t.slice().id(), TraderProcess.line(trained, "trained"), verdict);
                }
                return verdict;
            });
        }
        all(work);
        String execution = opened.get("workflowExecution").asText();
        LocalStepFunctions.Execution run = rt.stepFunctions().await(execution, Duration.ofMinutes(15));
        JsonNode result = operator.call("GET", "/rounds/" + roundId + "/result", null);
        if (!run.succeeded() || !"PUBLISHED".equals(result.at("/round/status").asText())) {
            throw new IllegalStateException("round " + roundId + " did not publish: " + result.at("/round/status").asText() + " "
                    + result.at("/round/statusReason").asText("") + " (workflow " + run.error() + " " + run.cause() + ")");
        }
        JsonNode m = result.get("model");
        models.add(m);
        JsonNode c = m.at("/evaluation/candidate");
        out.printf("      states %s%n", String.join(" -> ", run.statesEntered().stream().distinct().toList()));
        out.printf("      published model v%d (ONNX sha256 %s...) from %d updates: accuracy %.3f (majority %.3f), log loss %.4f%n", m.get("version").asLong(),
                m.get("onnxSha256").asText().substring(0, 16), m.get("updates").asInt(), c.get("accuracy").asDouble(), c.get("majorityBaseline").asDouble(),
                c.get("logLoss").asDouble());
        ObjectNode node = json.createObjectNode();
        node.put("number", number).put("roundId", roundId).put("status", "PUBLISHED").put("modelVersion", m.get("version").asLong())
                .put("onnxSha256", m.get("onnxSha256").asText()).put("parametersHash", m.get("parametersHash").asText()).put("rule", m.get("rule").asText())
                .put("accepted", m.get("updates").asInt()).put("rejected", rejected);
        node.putObject("evaluation").put("windows", c.get("windows").asInt()).put("accuracy", c.get("accuracy").asDouble())
                .put("majorityBaseline", c.get("majorityBaseline").asDouble()).put("logLoss", c.get("logLoss").asDouble());
        ArrayNode contributions = node.putArray("contributions");
        Map<String, String> ids = new LinkedHashMap<>();
        for (Trader t : traders) ids.put(t.address(), t.slice().id());
        for (JsonNode s : operator.call("GET", "/rounds/" + roundId + "/scores", null).get("scores")) {
            String address = s.get("trader").asText();
            contributions.addObject().put("trader", ids.getOrDefault(address, address)).put("address", address).put("leaveOneOut", s.get("leaveOneOut").asDouble())
                    .put("shapley", s.get("shapley").asDouble()).put("payoutPpm", s.get("payoutPpm").asLong());
        }
        out.printf("      shares    %s%n", String.join("  ", contributions.valueStream()
                .map(s -> s.get("trader").asText() + " " + String.format("%.1f%%", s.get("payoutPpm").asLong() / 1e4)).toList()));
        node.put("seconds", (System.nanoTime() - t0) / 1e9);
        return node;
    }

    private Void compare(ConfluxClient operator, List<Trader> traders, List<JsonNode> models) throws Exception {
        ModelTemplate template = ModelTemplate.standard();
        Candles validation = hourly.get(DemoPlan.VALIDATION_CANDLES);
        List<ModelComparison.Scored> scored = new ArrayList<>();
        try (ModelComparison cmp = new ModelComparison(ValidationSets.of(validation, template, plan.validationFrom(), plan.agentFrom()))) {
            for (JsonNode m : models) {
                ModelParameters p = operator.baseModel(m.get("parametersHash").asText(), template);
                scored.add(cmp.score("global v" + m.get("version").asLong() + " (round " + (models.indexOf(m) + 1) + ")", "global", null, p));
            }
            for (Trader t : traders) {
                ModelParameters local = ModelParameters.fromSafeTensors(Files.readAllBytes(localModel(t)));
                scored.add(cmp.score(t.slice().id() + " local only", "local", t.slice().id(), local));
            }
            DemoPlan.Options o = plan.options();
            List<Candles> slices = traders.stream().map(t -> hourly.get(t.slice().candles()).slice(t.slice().from(), t.slice().to())).toList();
            LocalTrainer.Result central = ModelComparison.central(slices, template, plan.validationFrom(),
                    new LocalTrainer.Options(o.epochs() * o.rounds(), 64, 1e-3f, 3, o.seed()));
            out.printf("      central model: best epoch %d of %d on %d slices pooled%n", central.bestEpoch(), central.history().size(), slices.size());
            scored.add(cmp.score("central (all slices pooled)", "central", null, central.best()));
            scored.add(ModelComparison.majority(scored.get(0)));
        }
        ArrayNode list = summary.putArray("models");
        for (ModelComparison.Scored s : scored) {
            list.add(json.valueToTree(s.toMap()));
            out.printf("      %-32s accuracy %.3f [%.3f, %.3f]  log loss %s%n", s.name(), s.accuracy(), s.low(), s.high(),
                    Double.isNaN(s.logLoss()) ? "-" : String.format("%.4f", s.logLoss()));
        }
        return null;
    }

    private Void agent(LocalRuntime rt) {
        DemoPlan.Options o = plan.options();
        ObjectNode agent = summary.putObject("agent").put("quoteDecimals", 6);
        long initial = -1; // what each market's book starts with: its cash before the first tick
        ArrayNode markets = agent.putArray("markets");
        int hours = (int) Duration.between(plan.agentFrom(), plan.agentTo()).toHours();
        long[][] equity = new long[o.markets().size()][hours];
        long[][] hold = new long[o.markets().size()][hours];
        Instant[] times = new Instant[hours];
        List<ArrayNode> trades = new ArrayList<>();
        double[] firstPrice = new double[o.markets().size()], lastPrice = new double[o.markets().size()];
        for (int k = 0; k < o.markets().size(); k++) trades.add(json.createArrayNode());
        for (int h = 0; h < hours; h++) {
            Instant at = plan.agentFrom().plus(Duration.ofHours(h));
            times[h] = at;
            for (int k = 0; k < o.markets().size(); k++) {
                Map<?, ?> tick = (Map<?, ?>) rt.tick(o.markets().get(k), at).get("tick");
                if (tick == null) throw new IllegalStateException("the tick of " + o.markets().get(k) + " at " + at + " recorded nothing");
                // a tick without a price (no candle to decide on) leaves the book as it was: mark it at the last price seen
                double price = tick.get("price") instanceof Number n ? n.doubleValue() : h > 0 ? lastPrice[k] : Double.NaN;
                if (Double.isNaN(price)) throw new IllegalStateException("the agent's first tick of " + o.markets().get(k) + " at " + at + " had no price");
                lastPrice[k] = price;
                if (h == 0) {
                    firstPrice[k] = price;
                    long cash = ((Number) ((Map<?, ?>) tick.get("bookBefore")).get("cash")).longValue();
                    if (initial >= 0 && cash != initial) throw new IllegalStateException("the markets' books start with different cash: " + initial + " and " + cash);
                    initial = cash;
                }
                equity[k][h] = ((Number) tick.get("valueAfter")).longValue();
                hold[k][h] = Math.round(initial * price / firstPrice[k]);
                if (tick.get("fill") instanceof Map<?, ?> f) {
                    trades.get(k).addObject().put("t", String.valueOf(f.get("at"))).put("side", String.valueOf(f.get("side")))
                            .put("price", ((Number) f.get("price")).doubleValue()).put("quantity", ((Number) f.get("quantity")).longValue())
                            .put("notional", ((Number) f.get("notional")).longValue());
                }
            }
            if ((h + 1) % 24 == 0 || h == hours - 1) {
                StringBuilder line = new StringBuilder(String.format("      %s", day(at)));
                for (int k = 0; k < o.markets().size(); k++) {
                    line.append(String.format("   %s %,.2f USDT (%d trades)", o.markets().get(k), equity[k][h] / 1e6, trades.get(k).size()));
                }
                out.println(line);
            }
        }
        agent.put("initialCash", initial);
        long[] totalEquity = new long[hours], totalHold = new long[hours];
        for (int k = 0; k < o.markets().size(); k++) {
            String market = o.markets().get(k);
            Candles c = hourly.get(DemoPlan.MARKETS.get(market)).slice(plan.agentFrom(), plan.agentTo());
            ObjectNode m = markets.addObject().put("market", market).put("ticks", hours);
            ArrayNode candles = m.putArray("candles");
            for (Candle x : c.toList()) candles.addObject().put("t", x.openTime().toString()).put("o", x.open()).put("h", x.high()).put("l", x.low()).put("c", x.close());
            curves(m, times, equity[k], hold[k], initial);
            m.set("trades", trades.get(k));
            for (int h = 0; h < hours; h++) {
                totalEquity[h] += equity[k][h];
                totalHold[h] += hold[k][h];
            }
        }
        ObjectNode total = agent.putObject("total");
        curves(total, times, totalEquity, totalHold, initial * o.markets().size());
        out.printf("      total: %+.2f%% against buy-and-hold %+.2f%%, max drawdown %.2f%%%n", 100 * total.get("return").asDouble(),
                100 * total.get("buyAndHoldReturn").asDouble(), 100 * total.get("maxDrawdown").asDouble());
        return null;
    }

    /** Equity, buy-and-hold and drawdown series, with the return, buy-and-hold return and maximum drawdown they imply. */
    private static void curves(ObjectNode into, Instant[] times, long[] equity, long[] hold, long initial) {
        ArrayNode e = into.putArray("equity"), b = into.putArray("buyAndHold"), d = into.putArray("drawdown");
        long peak = initial;
        double worst = 0;
        for (int h = 0; h < times.length; h++) {
            peak = Math.max(peak, equity[h]);
            double dd = (double) equity[h] / peak - 1;
            worst = Math.min(worst, dd);
            e.addObject().put("t", times[h].toString()).put("v", equity[h]);
            b.addObject().put("t", times[h].toString()).put("v", hold[h]);
            d.addObject().put("t", times[h].toString()).put("v", dd);
        }
        into.put("return", (double) equity[equity.length - 1] / initial - 1);
        into.put("buyAndHoldReturn", (double) hold[hold.length - 1] / initial - 1);
        into.put("maxDrawdown", -worst);
    }

    private Void settle(LocalRuntime rt) throws IOException {
        Map<String, Object> done = rt.settle(plan.epochs() - 1);
        List<?> settled = (List<?>) done.get("settled");
        if (settled.size() != plan.epochs()) throw new IllegalStateException(plan.epochs() + " epochs were due, " + settled.size() + " settled: " + done);
        ArrayNode epochs = summary.putObject("settlement").putArray("epochs");
        JsonNode listed = new ConfluxClient(rt.apiUrl()).call("GET", "/epochs?limit=500", null).get("epochs");
        List<JsonNode> ordered = new ArrayList<>();
        listed.forEach(ordered::add);
        ordered.sort(java.util.Comparator.comparingLong(e -> e.get("epoch").asLong()));
        for (JsonNode e : ordered) {
            if (!"SETTLED".equals(e.get("status").asText())) throw new IllegalStateException("epoch " + e.get("epoch") + " is " + e.get("status") + ": " + e);
            ObjectNode n = epochs.addObject();
            for (String f : List.of("epoch", "from", "to", "status", "equity", "highWaterMark", "profit", "fee", "contributors", "allocated", "dust", "investors",
                    "txHash")) {
                n.set(f, e.get(f));
            }
            out.printf("      epoch %d %s  equity %,.2f  profit %,.2f  to traders %,.2f  tx %s%n", e.get("epoch").asLong(), day(Instant.parse(e.get("from").asText())),
                    e.get("equity").asLong() / 1e6, e.get("profit").asLong() / 1e6, e.get("allocated").asLong() / 1e6, e.path("txHash").asText("-"));
        }
        return null;
    }

    private Void claims(LocalRuntime rt, DevChain chain, List<Trader> traders) throws Exception {
        String vault = chain.contracts().vault().toLowerCase(java.util.Locale.ROOT);
        List<Callable<String>> work = new ArrayList<>();
        for (Trader t : traders) {
            long claimable = rt.platform().settlements(vault).allocations(t.address()).stream().filter(a -> !a.claimed()).mapToLong(Allocation::amount).sum();
            if (claimable == 0) {
                out.printf("      %-9s nothing allocated%n", t.slice().id());
                continue;
            }
            work.add(() -> {
                String claimed = t.process().run(COMMAND_TIMEOUT, "claim", "--rpc", chain.rpcUrl());
                synchronized (out) {
                    out.printf("      %-9s %s%n", t.slice().id(), TraderProcess.line(claimed, "claimed"));
                }
                return claimed;
            });
        }
        all(work);
        rt.settle(plan.epochs() - 1); // settlement's next run indexes the vault's Claimed events, so the API shows each claim
        var token = chain.contracts().stablecoin(chain.chain(), chain.admin());
        ArrayNode payouts = summary.putArray("payouts");
        for (Trader t : traders) {
            List<Allocation> allocations = rt.platform().settlements(vault).allocations(t.address());
            long allocated = allocations.stream().mapToLong(Allocation::amount).sum();
            long claimed = allocations.stream().filter(Allocation::claimed).mapToLong(Allocation::amount).sum();
            long balance = token.balanceOf(t.address()).send().longValueExact();
            if (claimed != allocated || balance != claimed) {
                throw new IllegalStateException(t.slice().id() + " was allocated " + allocated + ", the vault recorded " + claimed + " claimed, and the wallet holds "
                        + balance + " (base units): they should all agree after claiming");
            }
            ObjectNode p = payouts.addObject().put("trader", t.slice().id()).put("address", t.address()).put("allocated", allocated).put("claimed", claimed)
                    .put("balance", balance);
            ArrayNode list = p.putArray("claims");
            for (Allocation a : allocations) list.addObject().put("epoch", a.epoch()).put("amount", a.amount()).put("tx", a.claimTx());
        }
        return null;
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private <T> T phase(int total, String name, Callable<T> body) {
        phase++;
        out.printf("%n[%d/%d] %s%n", phase, total, name);
        long t0 = System.nanoTime();
        ObjectNode p = phases.addObject().put("name", name);
        try {
            T result = body.call();
            double s = (System.nanoTime() - t0) / 1e9;
            p.put("seconds", s).put("status", "ok");
            out.printf("      done in %.1f s%n", s);
            return result;
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String message = cause instanceof TraderProcess.Failed || cause instanceof IllegalStateException || cause instanceof IllegalArgumentException
                    ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            p.put("seconds", (System.nanoTime() - t0) / 1e9).put("status", "failed").put("detail", message);
            throw new Failure(name, message, cause);
        }
    }

    /** Runs the calls, at most {@code parallel} at once; every call finishes before the first failure is thrown. */
    private <T> List<T> all(List<Callable<T>> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(plan.options().parallel());
        try {
            List<Future<T>> futures = pool.invokeAll(work);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private Path localModel(Trader t) {
        return t.process().home().resolve("models").resolve("local-only.safetensors");
    }

    /** The slice's rows copied verbatim from the shipped file (real candles, not re-formatted); returns how many. */
    private int writeSlice(DemoPlan.Slice s, Path csv) throws IOException {
        Files.createDirectories(csv.getParent());
        String[] lines = shippedCsv.get(s.candles()).split("\n");
        StringBuilder b = new StringBuilder(lines[0].strip()).append('\n');
        int n = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            Instant t = Instant.parse(line.substring(0, line.indexOf(',')));
            if (!t.isBefore(s.from()) && t.isBefore(s.to())) {
                b.append(line).append('\n');
                n++;
            }
        }
        Files.writeString(csv, b.toString());
        return n;
    }

    private static String shipped(String name) throws IOException {
        try (InputStream in = DemoRun.class.getResourceAsStream("/market/" + name + ".csv")) {
            if (in == null) throw new IllegalStateException("the runtime jar lacks market/" + name + ".csv");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String day(Instant t) {
        return t.toString().substring(0, 10);
    }
}
