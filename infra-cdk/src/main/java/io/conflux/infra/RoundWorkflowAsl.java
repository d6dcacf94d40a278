package io.conflux.infra;

import io.conflux.federation.RoundStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * The round state machine's ASL as the stack deploys it, with each step's function ARN replaced by a
 * local one: what the local runtime runs on the Step Functions interpreter. Synthesizes a small stack
 * holding only the state machine, so the definition is the CDK's own output, not a copy.
 */
public final class RoundWorkflowAsl {
    /** The local function ARN of a step: {@code arn:aws:lambda:local:000000000000:function:conflux-round-collect}. */
    public static String localArn(RoundStep step) {
        return "arn:aws:lambda:local:000000000000:function:conflux-" + step.functionName();
    }

    private RoundWorkflowAsl() {}

    public static String render(int maxConcurrency) {
        Path out;
        try {
            out = Files.createTempDirectory("conflux-asl-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            App app = new App(AppProps.builder().outdir(out.toString()).build());
            Stack stack = new Stack(app, "ConfluxRoundWorkflow");
            Map<RoundStep, IFunction> fns = new EnumMap<>(RoundStep.class);
            for (RoundStep s : RoundStep.values()) fns.put(s, Function.fromFunctionArn(stack, "Fn-" + s.name(), localArn(s)));
            StateMachine.Builder.create(stack, "RoundWorkflow").definitionBody(RoundStateMachine.definition(stack, fns, maxConcurrency)).build();
            Object template = app.synth().getStackByName("ConfluxRoundWorkflow").getTemplate();
            return definitionString(template);
        } finally {
            deleteTree(out);
        }
    }

    /** The state machine's DefinitionString from a synthesized template (a plain string when no token is left in it). */
    @SuppressWarnings("unchecked")
    static String definitionString(Object template) {
        Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) template).get("Resources");
        for (Object r : resources.values()) {
            Map<String, Object> res = (Map<String, Object>) r;
            if ("AWS::StepFunctions::StateMachine".equals(res.get("Type"))) {
                Object def = ((Map<String, Object>) res.get("Properties")).get("DefinitionString");
                if (def instanceof String s) return s;
                throw new IllegalStateException("the round definition still holds CloudFormation tokens: " + def);
            }
        }
        throw new IllegalStateException("no state machine in the template");
    }

    private static void deleteTree(Path p) {
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    public static void main(String[] args) {
        System.out.println(render(args.length > 0 ? Integer.parseInt(args[0]) : 10));
    }
}
