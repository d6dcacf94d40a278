package io.conflux.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What varies between deployments, from CDK context ({@code cdk.json} or {@code -c key=value}; see the README's
 * Deploy section for every key): the stage, sign-in, the agent, the API's limits, operations, and the settlement
 * contracts once they are deployed. Secrets are never configuration: the stack creates their Secrets Manager
 * entries and the operator puts the values (exchange keys, the LLM key, the settler's and the platform's chain keys).
 *
 * @param settlement null until the vault is deployed: then the settlement function and its schedule are added
 */
public record StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir, Settlement settlement,
                          Agent agent, Api api, Ops ops) {

    /** The chain's JSON-RPC endpoint, the deployed contracts' addresses, the block the vault was deployed in, and when to settle. */
    public record Settlement(String chainRpc, String vault, String registry, String token, long vaultBlock, String schedule) {
        public Settlement {
            for (String a : new String[] {vault, registry, token}) {
                if (a == null || !a.matches("0x[0-9a-fA-F]{40}")) throw new IllegalArgumentException("a contract address is 0x and 40 hex digits: " + a);
            }
            if (chainRpc == null || !chainRpc.startsWith("https://")) throw new IllegalArgumentException("the chain RPC is an https:// URL: " + chainRpc);
            requireCron("settleSchedule", schedule);
        }

        public Settlement(String chainRpc, String vault, String registry, String token, long vaultBlock) {
            this(chainRpc, vault, registry, token, vaultBlock, "cron(10 * * * ? *)");
        }
    }

    /**
     * The trading agent.
     *
     * @param markets      MARKET=candles-name entries, comma-separated (the trade function's {@code CONFLUX_AGENT_MARKETS})
     * @param tickSchedule when ticks run, an EventBridge cron expression (one rule per market)
     * @param feeBps       the exchange's taker fee the agent's policy and paper fills assume, in basis points. The
     *                     platform's own fee is not here: it lives in the vault, behind its on-chain timelock.
     * @param broker       {@code paper} or {@code binance:<base URL>} (then an exchange-keys secret is created)
     * @param advisor      {@code none}, {@code openai} (then an LLM-key secret is created) or {@code bedrock}
     */
    public record Agent(String markets, String tickSchedule, double feeBps, String broker, String advisor, String advisorModel, String advisorUrl) {
        public Agent {
            if (markets == null || !markets.matches("[A-Z0-9]+-[A-Z0-9]+=[a-z0-9-]+-\\d+[mhd](,[A-Z0-9]+-[A-Z0-9]+=[a-z0-9-]+-\\d+[mhd])*")) {
                throw new IllegalArgumentException("markets are MARKET=candles-name entries, e.g. BTC-USDT=btc-usdt-1h, not " + markets);
            }
            requireCron("tickSchedule", tickSchedule);
            if (!(feeBps >= 0 && feeBps <= 100)) throw new IllegalArgumentException("the exchange fee is 0-100 bps: " + feeBps);
            if (!broker.equals("paper") && !broker.startsWith("binance:https://")) {
                throw new IllegalArgumentException("broker is paper or binance:https://<exchange API>, not " + broker);
            }
            if (!List.of("none", "openai", "bedrock").contains(advisor)) throw new IllegalArgumentException("advisor is none, openai or bedrock: " + advisor);
            if (!advisor.equals("none") && (advisorModel == null || advisorModel.isBlank())) throw new IllegalArgumentException("advisor " + advisor + " needs advisorModel");
            if (advisor.equals("openai") && (advisorUrl == null || !advisorUrl.startsWith("https://"))) {
                throw new IllegalArgumentException("advisor openai needs advisorUrl, an https:// chat-completions endpoint");
            }
        }

        public static Agent defaults() {
            return new Agent("BTC-USDT=btc-usdt-1h", "cron(0 * * * ? *)", 10, "paper", "none", null, null);
        }

        public List<String> marketNames() {
            return Arrays.stream(markets.split(",")).map(e -> e.substring(0, e.indexOf('='))).toList();
        }
    }

    /**
     * The HTTP API's limits.
     *
     * @param corsOrigins origins a browser app may call from; {@code *} is safe here (sessions are bearer tokens a
     *                    browser never sends by itself, no cookies), but naming the web app's origin is better
     */
    public record Api(List<String> corsOrigins, int rateLimit, int burstLimit) {
        public Api {
            corsOrigins = List.copyOf(corsOrigins);
            if (rateLimit <= 0 || burstLimit <= 0) throw new IllegalArgumentException("API throttling limits are positive");
        }

        public static Api defaults() {
            return new Api(List.of("*"), 50, 100);
        }
    }

    /**
     * Operations.
     *
     * @param alarmEmail          subscribed to the alarm topic when given
     * @param reservedConcurrency false on accounts whose concurrency quota is the new-account 10, where Lambda refuses
     *                            any reservation (the trade and settle functions then lose their one-at-a-time guard)
     */
    public record Ops(String alarmEmail, boolean reservedConcurrency) {
        public static Ops defaults() {
            return new Ops(null, true);
        }
    }

    public StackConfig {
        if (agent == null) agent = Agent.defaults();
        if (api == null) api = Api.defaults();
        if (ops == null) ops = Ops.defaults();
    }

    public StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir, Settlement settlement) {
        this(stage, siweDomain, chainId, operators, functionsDir, settlement, null, null, null);
    }

    public StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir) {
        this(stage, siweDomain, chainId, operators, functionsDir, null);
    }

    public static StackConfig fromContext(Function<String, Object> context) {
        Object vault = context.apply("vault");
        Settlement settlement = vault == null ? null
                : new Settlement(str(context, "chainRpc", null), vault.toString(), str(context, "registry", null), str(context, "token", null),
                        Long.parseLong(str(context, "vaultBlock", "0")), str(context, "settleSchedule", "cron(10 * * * ? *)"));
        Agent d = Agent.defaults();
        Agent agent = new Agent(str(context, "markets", d.markets()), str(context, "tickSchedule", d.tickSchedule()),
                Double.parseDouble(str(context, "feeBps", Double.toString(d.feeBps()))), str(context, "broker", d.broker()),
                str(context, "advisor", d.advisor()), str(context, "advisorModel", null), str(context, "advisorUrl", null));
        Api api = new Api(Arrays.stream(str(context, "corsOrigins", "*").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                Integer.parseInt(str(context, "apiRateLimit", "50")), Integer.parseInt(str(context, "apiBurstLimit", "100")));
        Ops ops = new Ops(str(context, "alarmEmail", null), Boolean.parseBoolean(str(context, "reservedConcurrency", "true")));
        return new StackConfig(str(context, "stage", "dev"), str(context, "siweDomain", "api.conflux.example"),
                Long.parseLong(str(context, "chainId", "1")), str(context, "operators", ""),
                Path.of(str(context, "functionsDir", findFunctionsDir().toString())), settlement, agent, api, ops);
    }

    private static void requireCron(String name, String expression) {
        if (expression == null || !expression.matches("cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)")) {
            throw new IllegalArgumentException(name + " is an EventBridge cron expression such as cron(0 * * * ? *), not " + expression);
        }
    }

    private static String str(Function<String, Object> context, String key, String fallback) {
        Object v = context.apply(key);
        return v == null ? fallback : v.toString();
    }

    /** The repository's functions/ folder, from the working directory or one of its parents. */
    static Path findFunctionsDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("functions/api"))) return p.resolve("functions");
        }
        throw new IllegalStateException("cannot find functions/ above " + Path.of("").toAbsolutePath() + "; pass -c functionsDir=...");
    }

    /** The public candles the round's evaluation reads (shipped with the project, deployed to the models bucket's market/). */
    public Path marketData() {
        Path dir = functionsDir.toAbsolutePath().getParent().resolve("shared/src/test/resources/market");
        if (!Files.isDirectory(dir)) throw new IllegalStateException(dir + " does not exist: the shipped candles are deployed from there");
        return dir;
    }

    /** A function's deployment jar (target/lambda/function.jar), built by ./mvnw package. */
    public Path lambdaJar(String function) {
        Path jar = functionsDir.resolve(function).resolve("target/lambda/function.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the functions first (./mvnw -DskipTests package)");
        }
        return jar;
    }
}
