package io.conflux.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/** {@code cdk synth|deploy} entry point; configuration comes from CDK context (cdk.json or -c key=value). */
public final class ConfluxApp {
    private ConfluxApp() {}

    public static void main(String[] args) {
        App app = new App();
        StackConfig config = StackConfig.fromContext(app.getNode()::tryGetContext);
        // every synth is checked: an unsuppressed AwsSolutions error fails it (suppressions, with reasons, in NagRules)
        software.amazon.awscdk.Aspects.of(app).add(new io.github.cdklabs.cdknag.AwsSolutionsChecks());
        new ConfluxStack(app, "Conflux-" + config.stage(), StackProps.builder().description("Conflux federated trading platform (" + config.stage() + ")").build(), config);
        app.synth();
    }
}
