package io.conflux.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.identity.Wallet;
import io.conflux.features.Candles;
import io.conflux.model.ModelParameters;
import io.conflux.trader.ConfluxClient;
import io.conflux.trader.LocalTrainer;
import io.conflux.trader.TrainingJob;
import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.update.ModelUpdate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conflux-local serve|demo}: the platform on this machine, no cloud account needed. */
@Command(name = "conflux-local", mixinStandardHelpOptions = true, version = "0.1.0",
        description = "Runs the Conflux platform on this machine on real local stand-ins for AWS.",
        subcommands = {ConfluxLocal.Serve.class, ConfluxLocal.Demo.class, ConfluxLocal.BacktestCommand.class})
public final class ConfluxLocal implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConfluxLocal()).execute(args));
    }

    static class Common {
        @Option(names = "--data", description = "Folder for keys and state (default: ${DEFAULT-VALUE}).", defaultValue = ".conflux/local")
        Path data;

        @Option(names = "--port", description = "API port; 0 (the default) picks a free one and prints it.", defaultValue = "0")
        int port;

        @Option(names = "--round-minutes", description = "How long the round opened at start takes updates (default: ${DEFAULT-VALUE}).", defaultValue = "60")
        long roundMinutes;
    }

    static Round openRound(LocalRuntime rt, long minutes) {
        return rt.platform().rounds().openAndStart(new RoundService.OpenRequest(null, null, Duration.ofMinutes(minutes), null, null)).round();
    }

    @Command(name = "serve", description = "Stand-ins, API, ingest and a Hardhat chain with the settlement contracts, with a round open, until Ctrl-C. State persists in --data (the chain starts fresh).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            try (LocalRuntime rt = LocalRuntime.start(common.data, true, common.port, true)) {
                Round round = openRound(rt, common.roundMinutes);
                System.out.println(rt.describe());
                System.out.println("  round        " + round.roundId() + " open until " + round.deadline() + " (template " + round.templateId() + ")");
                System.out.println("API listening on " + rt.apiUrl() + " - press Ctrl-C to stop");
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
            return 0;
        }
    }

    @Command(name = "demo", description = "Starts the platform, opens a round, and walks traders through sign-in, upload and ingest over HTTP.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--traders", description = "How many traders take part (default: ${DEFAULT-VALUE}).", defaultValue = "3")
        int traders;

        @Option(names = "--epochs", description = "Training epochs per trader (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        int epochs;

        @Option(names = "--agent-hours", description = "Hourly agent ticks to replay after the round publishes (default: ${DEFAULT-VALUE}).", defaultValue = "12")
        int agentHours;

        @Option(names = "--serve", description = "Keep serving after the walk-through, until Ctrl-C.")
        boolean serve;

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            try (LocalRuntime rt = LocalRuntime.start(common.data.resolve("demo"), false, common.port)) {
                System.out.println(rt.describe());
                System.out.println("API listening on " + rt.apiUrl());
                // the operator opens the round over HTTP; it closes as soon as every trader's update is in
                ConfluxClient operator = new ConfluxClient(rt.apiUrl());
                operator.signIn(rt.operator());
                Map<String, Object> policy = Map.of("minUpdates", Math.min(2, traders), "maxUpdates", traders, "scoreBudget", 40);
                JsonNode opened = operator.call("POST", "/rounds", Map.of("durationSeconds", common.roundMinutes * 60, "policy", policy));
                Round round = rt.platform().rounds().get(opened.get("roundId").asText());
                String execution = opened.get("workflowExecution").asText();
                System.out.println("  round        " + round.roundId() + " open until " + round.deadline() + " (template " + round.templateId()
                        + ", rule " + round.policy().rule() + ")");
                System.out.println("  workflow     " + execution);
                System.out.println();
                System.out.println("Walk-through: " + traders + " traders sign in (EIP-4361), seal an update for the round (HPKE + wallet signature),");
                System.out.println("upload it through a presigned URL, and the S3 event -> SQS -> ingest path records the verdict.");
                System.out.println("Each trader first trains the round's LSTM on their own stretch of BTC-USDT hourly candles (PyTorch, "
                        + epochs + " epochs), from the round's base model, with only candles before the validation window.");
                Candles market = marketCandles("btc-usdt-1h");
                List<String> failures = new ArrayList<>();
                for (int i = 1; i <= traders; i++) {
                    Wallet wallet = Wallet.create();
                    ConfluxClient trader = new ConfluxClient(rt.apiUrl());
                    trader.signIn(wallet);
                    ModelParameters base = trader.baseModel(round.baseModel(), round.template());
                    TrainingJob.Outcome trained = train(round, base, market, wallet.address(), i, traders, epochs);
                    String uploadId = trader.upload(trained.update(), wallet);
                    JsonNode v = trader.verdict(round.roundId(), uploadId, Duration.ofSeconds(20));
                    LocalTrainer.Epoch best = trained.training().history().get(trained.training().bestEpoch() - 1);
                    System.out.printf("  trader %d %s  %,d windows to %s, validation loss %.4f acc %.3f  upload %s  %s%n", i, wallet.address(),
                            trained.update().sampleCount(), trained.update().dataEnd(), best.validationLoss(), best.validationAccuracy(), uploadId, verdict(v));
                    if (!"ACCEPTED".equals(v.get("status").asText())) failures.add("trader " + i + ": " + verdict(v));
                }
                Wallet malloryWallet = Wallet.create();
                ConfluxClient mallory = new ConfluxClient(rt.apiUrl());
                mallory.signIn(malloryWallet);
                byte[] sealed = io.conflux.update.UpdateEnvelope.seal(noChange(round, malloryWallet.address(), 1),
                        malloryWallet, round.publicKey());
                sealed[sealed.length - 1] ^= 1; // damaged in transit (or tampered with)
                String bad = mallory.put(mallory.ticket(round.roundId(), sealed.length), sealed, null);
                JsonNode v = mallory.verdict(round.roundId(), bad, Duration.ofSeconds(20));
                System.out.printf("  a damaged upload %s  %s%n", bad, verdict(v));
                if (!"DECRYPTION_FAILED".equals(v.path("reason").asText())) failures.add("the damaged upload was not refused as DECRYPTION_FAILED");

                System.out.println();
                System.out.println("The round's state machine (the CDK app's definition, on the Step Functions interpreter) closes the round,");
                System.out.println("decodes and aggregates the updates, evaluates the candidate on public candles, scores each trader, and publishes:");
                LocalStepFunctions.Execution run = rt.stepFunctions().await(execution, Duration.ofMinutes(10));
                System.out.println("  states       " + String.join(" -> ", run.statesEntered().stream().distinct().toList()));
                JsonNode result = operator.call("GET", "/rounds/" + round.roundId() + "/result", null);
                System.out.println("  round        " + result.at("/round/status").asText()
                        + (result.at("/round/statusReason").isMissingNode() ? "" : " (" + result.at("/round/statusReason").asText() + ")"));
                if (!run.succeeded() || !"PUBLISHED".equals(result.at("/round/status").asText())) {
                    failures.add("the round did not publish a model: " + run.error() + " " + run.cause());
                } else {
                    JsonNode m = result.get("model");
                    System.out.printf("  model        version %d, ONNX sha256 %s, %d updates, rule %s%n", m.get("version").asLong(),
                            m.get("onnxSha256").asText(), m.get("updates").asInt(), m.get("rule").asText());
                    JsonNode c = m.at("/evaluation/candidate");
                    System.out.printf("  validation   %s %s .. %s: %d windows, accuracy %.3f (majority class %.3f), log loss %.4f%n",
                            m.at("/evaluation/validation/market").asText(), m.at("/evaluation/validation/from").asText(),
                            m.at("/evaluation/validation/to").asText(), c.get("windows").asInt(), c.get("accuracy").asDouble(),
                            c.get("majorityBaseline").asDouble(), c.get("logLoss").asDouble());
                    for (JsonNode sc : operator.call("GET", "/rounds/" + round.roundId() + "/scores", null).get("scores")) {
                        System.out.printf("  score        %s  leave-one-out %+.5f  Shapley %+.5f  payout %,d ppm%n", sc.get("trader").asText(),
                                sc.get("leaveOneOut").asDouble(), sc.get("shapley").asDouble(), sc.get("payoutPpm").asLong());
                    }
                    System.out.println("  download     GET " + rt.apiUrl().resolve("/models/current") + " (a presigned URL of the ONNX file and the signed receipt)");
                    JsonNode bt = operator.call("GET", "/models/" + m.get("version").asLong() + "/backtest", null);
                    System.out.printf("  backtest     %s .. %s: %+.2f%% (max drawdown %.2f%%, %d trades) against buy-and-hold %+.2f%%%n", bt.get("from").asText(),
                            bt.get("to").asText(), 100 * bt.at("/strategy/totalReturn").asDouble(), 100 * bt.at("/strategy/maxDrawdown").asDouble(),
                            bt.get("trades").asInt(), 100 * bt.at("/buyAndHold/totalReturn").asDouble());
                    System.out.println();
                    System.out.println("The agent trades the new model: hourly ticks on a replay of BTC-USDT's last recorded days");
                    System.out.println("(features, ONNX Runtime, the policy under its risk limits, paper fills at the next open, one DynamoDB transaction each):");
                    // the shipped candles end 2021-09-29: replay the two days before the validation window's end
                    java.time.Instant start = round.policy().validation().to().minus(Duration.ofHours(48));
                    for (int h = 0; h < agentHours; h++) {
                        Map<String, Object> tick = rt.tick("BTC-USDT", start.plus(Duration.ofHours(h)));
                        Map<?, ?> t = (Map<?, ?>) tick.get("tick");
                        String why = String.valueOf(t.get("rationale"));
                        System.out.printf("  %s  %-4s %s%n", t.get("scheduledAt"), t.get("action"), why.length() > 150 ? why.substring(0, 147) + "..." : why);
                    }
                    JsonNode book = operator.call("GET", "/agent/BTC-USDT/portfolio", null);
                    JsonNode audit = operator.call("GET", "/agent/BTC-USDT/audit", null);
                    System.out.printf("  book         %s USDT and %s BTC after %d ticks; audit log of %d entries %s, root %s%n", book.get("cashDecimal").asText(),
                            book.get("positionDecimal").asText(), book.get("ticks").asLong(), audit.get("entries").size(),
                            audit.get("intact").asBoolean() ? "intact" : "BROKEN", audit.get("root").asText());
                    if (!audit.get("intact").asBoolean()) failures.add("the agent's audit log does not verify");
                }
                System.out.printf("%nDone in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
                if (!failures.isEmpty()) {
                    System.err.println("The walk-through did not go as expected:\n  " + String.join("\n  ", failures));
                    return 1;
                }
                if (serve) {
                    System.out.println("Serving on " + rt.apiUrl() + " - press Ctrl-C to stop");
                    CountDownLatch stop = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                    stop.await();
                }
            }
            return 0;
        }

        private static String verdict(JsonNode v) {
            String s = v.get("status").asText();
            return "REJECTED".equals(s) ? s + " (" + v.path("reason").asText() + ": " + v.path("detail").asText() + ")"
                    : s + (v.hasNonNull("contentHash") ? " (content " + v.get("contentHash").asText().substring(0, 12) + "...)" : "");
        }

        /**
         * Trader {@code i} of {@code n} holds the i-th of n consecutive stretches of the two and a half years of
         * hourly candles before the round's validation window, and trains on them as `conflux-trader train` does.
         */
        private static TrainingJob.Outcome train(Round round, ModelParameters base, Candles market, String trader, int i, int n, int epochs) {
            Instant end = round.policy().validation().from();
            Instant start = end.minus(Duration.ofDays(913));
            long span = Duration.between(start, end).toHours() / n;
            Candles mine = market.slice(start.plus(Duration.ofHours(span * (i - 1))), start.plus(Duration.ofHours(span * i)));
            TrainingJob.RoundSpec spec = new TrainingJob.RoundSpec(round.roundId(), round.template(), end, round.normBound());
            TrainingJob.Prepared data = TrainingJob.prepare(mine, spec, 0.15, null);
            return TrainingJob.train(base, spec, data, new LocalTrainer.Options(epochs, 64, 1e-3f, 3, 7 + i), null, null, trader, null);
        }

        private static Candles marketCandles(String market) throws java.io.IOException {
            try (var in = ConfluxLocal.class.getResourceAsStream("/market/" + market + ".csv")) {
                return Candles.readCsv(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8), market);
            }
        }

        private static ModelUpdate noChange(Round round, String trader, long samples) {
            ModelTemplate t = round.template();
            String roundId = round.roundId();
            List<Tensor> zeros = t.tensors().stream().map(Tensor::zeros).toList();
            // no training yet: declare data that ends a day before the round's validation window
            return new ModelUpdate(roundId, trader, Instant.now(), samples, t.id(), zeros, round.policy().validation().from().minus(Duration.ofDays(1)));
        }
    }

    @Command(name = "backtest", mixinStandardHelpOptions = true,
            description = {"Runs a model through the agent's decision path over a candles file and writes a report (JSON).",
                    "Features, normalization fitted before the period, ONNX Runtime, the policy with its risk limits, paper fills at the next open."})
    static final class BacktestCommand implements Callable<Integer> {
        @Option(names = "--candles", required = true, description = "CSV of candles (timestamp,open,high,low,close,volume), with history before --from.")
        Path candles;

        @Option(names = "--model", required = true, description = "The model's parameters (.safetensors, as GET /models/{v} serves them), or 'genesis'.")
        String model;

        @Option(names = "--from", required = true, description = "First candle traded (ISO-8601).")
        Instant from;

        @Option(names = "--to", description = "End of the period, exclusive (default: the end of the file).")
        Instant to;

        @Option(names = "--usable-from", description = "When the model may first be used: its round's validation start (default: --from).")
        Instant usableFrom;

        @Option(names = "--market", defaultValue = "BTC-USDT", description = "Market symbol (default: ${DEFAULT-VALUE}); amounts in 8 base and 6 quote decimals.")
        String market;

        @Option(names = "--cash", defaultValue = "10000", description = "Starting cash in whole quote units (default: ${DEFAULT-VALUE}).")
        long cash;

        @Option(names = "--fee-bps", defaultValue = "10", description = "Fee per fill in basis points (default: ${DEFAULT-VALUE}).")
        double feeBps;

        @Option(names = "--slippage-bps", defaultValue = "5", description = "Slippage against each fill in basis points (default: ${DEFAULT-VALUE}).")
        double slippageBps;

        @Option(names = "--report", defaultValue = "backtest-report.json", description = "Where the JSON report goes (default: ${DEFAULT-VALUE}).")
        Path report;

        @Override
        public Integer call() throws Exception {
            io.conflux.features.Candles c = io.conflux.features.Candles.readCsv(candles);
            io.conflux.model.ModelParameters params = model.equals("genesis") ? io.conflux.model.ModelParameters.genesis(io.conflux.model.ModelTemplate.standard())
                    : io.conflux.model.ModelParameters.fromSafeTensors(java.nio.file.Files.readAllBytes(Path.of(model)));
            Instant end = to != null ? to : c.openTime(c.size() - 1).plus(c.interval());
            io.conflux.agent.Market m = new io.conflux.agent.Market(market, 8, 6);
            long t0 = System.nanoTime();
            io.conflux.agent.Backtest.Result r = io.conflux.trade.Backtests.run(c, params, params.hash(), usableFrom != null ? usableFrom : from, m,
                    Math.multiplyExact(cash, 1_000_000L), feeBps, slippageBps, from, end);
            double seconds = (System.nanoTime() - t0) / 1e9;
            java.util.Map<String, Object> json = io.conflux.trade.Backtests.report(r, params.hash());
            java.nio.file.Files.writeString(report, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
            System.out.printf("backtest  %s %s .. %s: %,d candles in %.2f s (%,.0f candles/s, features and inference included)%n", m.symbol(), r.start(), r.end(),
                    r.values().length, seconds, c.size() / seconds);
            System.out.printf("strategy  return %+.2f%%, CAGR %+.2f%%, Sharpe %.2f, Sortino %.2f, max drawdown %.2f%%, %d trades, hit rate %.0f%%, exposure %.0f%%%n",
                    100 * r.strategy().totalReturn(), 100 * r.strategy().cagr(), r.strategy().sharpe(), r.strategy().sortino(), 100 * r.strategy().maxDrawdown(),
                    r.trades().size(), 100 * r.hitRate(), 100 * r.exposure());
            System.out.printf("buy&hold  return %+.2f%%, CAGR %+.2f%%, Sharpe %.2f, max drawdown %.2f%%%n", 100 * r.buyAndHold().totalReturn(),
                    100 * r.buyAndHold().cagr(), r.buyAndHold().sharpe(), 100 * r.buyAndHold().maxDrawdown());
            for (io.conflux.agent.Backtest.StressResult s : r.stress()) {
                System.out.println("stress    " + s.stress().name() + ": " + (!s.covered() ? "not in the data"
                        : String.format("strategy %+.2f%% (drawdown %.2f%%), buy&hold %+.2f%% (drawdown %.2f%%)", 100 * s.strategy().totalReturn(),
                        100 * s.strategy().maxDrawdown(), 100 * s.buyAndHold().totalReturn(), 100 * s.buyAndHold().maxDrawdown())));
            }
            System.out.println("report    " + report.toAbsolutePath());
            return 0;
        }
    }
}
