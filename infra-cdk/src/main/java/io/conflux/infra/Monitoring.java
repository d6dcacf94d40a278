package io.conflux.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * What operators watch: one alarm topic (KMS-encrypted, TLS-only; e-mail when configured), alarms on dead letters,
 * function errors, failed rounds and settlements that did not settle, and one dashboard. Rounds themselves are
 * watched in the Step Functions console (every execution is named after its round).
 */
final class Monitoring extends Construct {
    /** Metric namespace of what the functions log (metric filters). */
    static final String NAMESPACE = "Conflux";
    static final String UNSETTLED_METRIC = "EpochsNotSettled";

    record DeadLetters(String what, IQueue queue) {}

    record Watched(String stage, Key key, Map<String, ConfluxStack.Lambda> functions, StateMachine rounds, List<DeadLetters> deadLetters,
                   HttpApi http, ConfluxStack.Lambda settle, String alarmEmail) {}

    Monitoring(Construct scope, String id, Watched w) {
        super(scope, id);
        String prefix = "conflux-" + w.stage() + "-";
        Topic topic = Topic.Builder.create(this, "Alarms").topicName(prefix + "alarms").masterKey(w.key()).enforceSsl(true).build();
        // CloudWatch publishes alarms to the encrypted topic
        w.key().addToResourcePolicy(PolicyStatement.Builder.create().principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey")).resources(List.of("*")).build());
        if (w.alarmEmail() != null && !w.alarmEmail().isBlank()) topic.addSubscription(new EmailSubscription(w.alarmEmail()));
        SnsAction notify = new SnsAction(topic);
        Duration five = Duration.minutes(5);

        for (DeadLetters d : w.deadLetters()) {
            alarm("DeadLetters-" + d.what().replace(' ', '-'), prefix + "dead-letters-" + d.what().replace(' ', '-'),
                    "Messages are waiting in the " + d.what() + " dead-letter queue: each is work that failed for good; read, fix, redrive.",
                    d.queue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(five).statistic("Maximum").build()), notify);
        }
        for (var e : w.functions().entrySet()) {
            alarm("Errors-" + e.getKey(), prefix + "errors-" + e.getKey().toLowerCase(java.util.Locale.ROOT),
                    "The " + e.getKey() + " function failed (an exception, a timeout or running out of memory); its log group says why.",
                    e.getValue().function().metricErrors(MetricOptions.builder().period(five).statistic("Sum").build()), notify);
        }
        MathExpression roundsFailed = MathExpression.Builder.create().label("rounds failed or timed out")
                .expression("failed + timedOut + aborted").period(five)
                .usingMetrics(Map.of("failed", w.rounds().metricFailed(), "timedOut", w.rounds().metricTimedOut(), "aborted", w.rounds().metricAborted()))
                .build();
        alarm("RoundsFailed", prefix + "rounds-failed",
                "A round's execution failed: the round's statusReason and the execution in the Step Functions console say why.", roundsFailed, notify);
        alarm("ApiServerErrors", prefix + "api-5xx", "The HTTP API answered 5xx.",
                w.http().metricServerError(MetricOptions.builder().period(five).statistic("Sum").build()), notify);

        Metric unsettled = null;
        if (w.settle() != null) {
            MetricFilter.Builder.create(this, "UnsettledEpochs").logGroup(w.settle().logs())
                    .filterPattern(FilterPattern.all(FilterPattern.stringValue("$.event", "=", "settlement"),
                            FilterPattern.stringValue("$.status", "!=", "SETTLED")))
                    .metricNamespace(NAMESPACE).metricName(UNSETTLED_METRIC).metricValue("1").defaultValue(0).build();
            unsettled = Metric.Builder.create().namespace(NAMESPACE).metricName(UNSETTLED_METRIC).statistic("Sum").period(Duration.hours(1)).build();
            alarm("SettlementsFailed", prefix + "settlements-failed",
                    "An epoch did not settle: PENDING after a chain failure (retried hourly) or CONFLICT (the chain disagrees with the record: stop and look).",
                    unsettled, notify);
        }

        Dashboard.Builder.create(this, "Dashboard").dashboardName(prefix + "operations").widgets(List.of(
                List.of(TextWidget.Builder.create().markdown("# Conflux " + w.stage() + "\nRounds: the Step Functions console, one execution per round. "
                        + "Alarms go to `" + prefix + "alarms`.").width(24).height(2).build()),
                List.of(graph("Rounds", List.of(w.rounds().metricStarted(), w.rounds().metricSucceeded(), w.rounds().metricFailed())),
                        graph("HTTP API", List.of(w.http().metricCount(), w.http().metricClientError(), w.http().metricServerError())),
                        graph("HTTP API latency (p90)", List.of(w.http().metricLatency(MetricOptions.builder().statistic("p90").build())))),
                List.of(graph("Function errors", metrics(w.functions(), "Errors")),
                        graph("Function duration (p90)", metrics(w.functions(), "Duration")),
                        graph("Dead letters", w.deadLetters().stream().map(d -> (IMetric) d.queue().metricApproximateNumberOfMessagesVisible()).toList())),
                unsettled == null ? List.of() : List.of(graph("Epochs not settled", List.of(unsettled))))).build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<>(metrics)).width(8).height(6).build();
    }

    private static List<IMetric> metrics(Map<String, ConfluxStack.Lambda> functions, String name) {
        List<IMetric> out = new ArrayList<>();
        for (var e : functions.entrySet()) {
            MetricOptions o = MetricOptions.builder().label(e.getKey()).statistic(name.equals("Duration") ? "p90" : "Sum").build();
            out.add(name.equals("Duration") ? e.getValue().function().metricDuration(o) : e.getValue().function().metricErrors(o));
        }
        return out;
    }

    private void alarm(String id, String name, String description, IMetric metric, SnsAction notify) {
        Alarm a = Alarm.Builder.create(this, id).alarmName(name).alarmDescription(description).metric(metric)
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build();
        a.addAlarmAction(notify);
    }
}
