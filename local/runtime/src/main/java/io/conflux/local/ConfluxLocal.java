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
        subcommands = {ConfluxLocal.Serve.class, ConfluxLocal.Demo.class})
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

    @Command(name = "serve", description = "Stand-ins, API and ingest, with a round open, until Ctrl-C. State persists in --data.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            try (LocalRuntime rt = LocalRuntime.start(common.data, true, common.port)) {
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
}
