package io.conflux.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What varies between deployments: the stage, the sign-in domain and chain, the operators' wallets,
 * and where the functions' built Lambda folders are.
 */
public record StackConfig(String stage, String siweDomain, long chainId, String operators, Path functionsDir) {

    public static StackConfig fromContext(Function<String, Object> context) {
        return new StackConfig(str(context, "stage", "dev"), str(context, "siweDomain", "api.conflux.example"),
                Long.parseLong(str(context, "chainId", "1")), str(context, "operators", ""),
                Path.of(str(context, "functionsDir", findFunctionsDir().toString())));
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
