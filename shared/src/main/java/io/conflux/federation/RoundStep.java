package io.conflux.federation;

/**
 * The Task states of the round state machine, each a Lambda function running the round handler with
 * {@link #ENV} set to the step's name. The CDK app and the local runtime both take the names from here.
 */
public enum RoundStep {
    COLLECT, CLOSE, NO_QUORUM, DECODE, REDUCE, COMBINE, EVALUATE, SCORE, PUBLISH, FAIL;

    /** The environment variable that tells the shared handler which step a function is. */
    public static final String ENV = "ROUND_STEP";

    /** The function's short name, e.g. {@code round-no-quorum}. */
    public String functionName() {
        return "round-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static RoundStep ofFunctionName(String name) {
        for (RoundStep s : values()) {
            if (name.equals(s.functionName()) || name.endsWith("-" + s.functionName())) return s;
        }
        throw new IllegalArgumentException("no round step is called " + name);
    }
}
