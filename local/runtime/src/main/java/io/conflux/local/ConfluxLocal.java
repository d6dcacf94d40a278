package io.conflux.local;

import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

    @Command(name = "demo", description = {"The whole platform on this machine, end to end, on real candles, ending in a report:",
            "traders (each in a JVM of their own, on a different slice of the shipped candles) train and upload through several",
            "rounds of the round state machine; the models are compared; the agent trades the last global model over a held-back",
            "period; the epochs are settled on a Hardhat chain and the traders claim. Writes report.html and summary.json."})
    static final class Demo implements Callable<Integer> {
        @Option(names = "--data", description = "Where the run keeps its logs, the traders' machines and keys (default: ${DEFAULT-VALUE}).",
                defaultValue = ".conflux/demo")
        Path data;

        @Option(names = "--out", description = "Where the report goes (default: ${DEFAULT-VALUE}).", defaultValue = ".conflux/demo-report")
        Path out;

        @Option(names = "--port", description = "API port; 0 (the default) picks a free one.", defaultValue = "0")
        int port;

        @Option(names = "--traders", description = "Traders taking part, each with their own slice of candles (default: ${DEFAULT-VALUE}).", defaultValue = "5")
        int traders;

        @Option(names = "--rounds", description = "Federated rounds (default: ${DEFAULT-VALUE}).", defaultValue = "3")
        int rounds;

        @Option(names = "--epochs", description = "Training epochs per trader per round, at most (early stopping; default: ${DEFAULT-VALUE}).", defaultValue = "4")
        int epochs;

        @Option(names = "--markets", split = ",", description = "Markets the agent trades (default: ${DEFAULT-VALUE}).", defaultValue = "BTC-USDT,ETH-USDT")
        List<String> markets;

        @Option(names = "--agent-days", description = "Days of the held-back period the agent trades, hourly; one settlement epoch each (default: ${DEFAULT-VALUE}).",
                defaultValue = "7")
        int agentDays;

        @Option(names = "--validation-days", description = "Days of the rounds' validation window, just before the agent's period (default: ${DEFAULT-VALUE}).",
                defaultValue = "14")
        int validationDays;

        @Option(names = "--history-days", description = "Days of hourly candles each trader holds (default: ${DEFAULT-VALUE}).", defaultValue = "120")
        int historyDays;

        @Option(names = "--parallel", description = "Traders training at once (default: ${DEFAULT-VALUE}, for two cores).", defaultValue = "2")
        int parallel;

        @Option(names = "--seed", description = "Seed of the traders' training and the rounds (default: ${DEFAULT-VALUE}).", defaultValue = "7")
        long seed;

        @Option(names = "--serve", description = "Keep the platform up after the report, until Ctrl-C.")
        boolean serve;

        @Override
        public Integer call() throws Exception {
            DemoPlan.Options options;
            try {
                options = new DemoPlan.Options(traders, rounds, epochs, markets, agentDays, validationDays, historyDays, parallel, seed);
            } catch (IllegalArgumentException e) {
                System.err.println("demo: " + e.getMessage());
                return 2;
            }
            Path runDir = data.resolve(java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            DemoRun run;
            java.io.PrintStream console = System.out, consoleErr = System.err;
            try {
                run = new DemoRun(options, runDir, out, port, console);
            } catch (IllegalArgumentException e) {
                System.err.println("demo: " + e.getMessage());
                return 2;
            }
            // the platform's own output (functions' JSON log lines, library warnings) goes to its log; the console shows the phases
            java.nio.file.Files.createDirectories(runDir.resolve("logs"));
            java.io.PrintStream platformLog = new java.io.PrintStream(java.nio.file.Files.newOutputStream(runDir.resolve("logs").resolve("platform.log")), true,
                    java.nio.charset.StandardCharsets.UTF_8);
            System.setOut(platformLog);
            System.setErr(platformLog);
            try {
                run.run(serve ? rt -> {
                    System.out.println("Serving on " + rt.apiUrl() + " - press Ctrl-C to stop");
                    CountDownLatch stop = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                    try {
                        stop.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } : null);
                return 0;
            } catch (DemoRun.Failure f) {
                f.printStackTrace(platformLog);
                consoleErr.println();
                consoleErr.println("demo failed during: " + f.phase());
                consoleErr.println("  " + f.getMessage().replace("\n", "\n  "));
                consoleErr.println("logs (the platform's in logs/platform.log) and the traders' machines are kept in " + runDir.toAbsolutePath());
                return 1;
            } finally {
                System.setOut(console);
                System.setErr(consoleErr);
                platformLog.close();
            }
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
