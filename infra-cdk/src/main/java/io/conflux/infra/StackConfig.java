package io.conflux.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What varies between deployments: the stage, the sign-in domain and chain, the operators' wallets,
 * where the functions' built Lambda folders are, and the settlement contracts (once they are deployed).
 *
 * @param settlement null until the vault is deployed: then the settlement function and its schedule are added
 */
public record StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir, Settlement settlement) {

    /** The chain's JSON-RPC endpoint, the deployed contracts' addresses and the block the vault was deployed in. */
    public record Settlement(String chainRpc, String vault, String registry, String token, long vaultBlock) {
        public Settlement {
            for (String a : new String[] {vault, registry, token}) {
                if (a == null || !a.matches("0x[0-9a-fA-F]{40}")) throw new IllegalArgumentException("a contract address is 0x and 40 hex digits: " + a);
            }
            if (chainRpc == null || !chainRpc.startsWith("https://")) throw new IllegalArgumentException("the chain RPC is an https:// URL: " + chainRpc);
        }
    }

    public StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir) {
        this(stage, siweDomain, chainId, operators, functionsDir, null);
    }

    public static StackConfig fromContext(Function<String, Object> context) {
        Object vault = context.apply("vault");
        Settlement settlement = vault == null ? null
                : new Settlement(str(context, "chainRpc", null), vault.toString(), str(context, "registry", null), str(context, "token", null),
                        Long.parseLong(str(context, "vaultBlock", "0")));
        return new StackConfig(str(context, "stage", "dev"), str(context, "siweDomain", "api.conflux.example"),
                Long.parseLong(str(context, "chainId", "1")), str(context, "operators", ""),
                Path.of(str(context, "functionsDir", findFunctionsDir().toString())), settlement);
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

    /** A function's deployment jar (target/lambda/function.jar), built by ./mvnw package. */
    public Path lambdaJar(String function) {
        Path jar = functionsDir.resolve(function).resolve("target/lambda/function.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the functions first (./mvnw -DskipTests package)");
        }
        return jar;
    }
}
