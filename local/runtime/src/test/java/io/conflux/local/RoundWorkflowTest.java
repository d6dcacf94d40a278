package io.conflux.local;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aggregation.InMemorySource;
import io.conflux.aggregation.Strategies;
import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.aws.Settings;
import io.conflux.federation.ContributionScore;
import io.conflux.federation.PublishedModel;
import io.conflux.federation.Receipt;
import io.conflux.federation.RoundStep;
import io.conflux.federation.TransientStepException;
import io.conflux.identity.Session;
import io.conflux.identity.Wallet;
import io.conflux.infra.RoundWorkflowAsl;
import io.conflux.ingest.IngestHandler;
import io.conflux.model.ModelParameters;
import io.conflux.model.Tensor;
import io.conflux.platform.Json;
import io.conflux.resources.ConfluxResources;
import io.conflux.round.OnnxEvaluators;
import io.conflux.round.RoundTasks;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.standins.SqsEventSource;
import io.conflux.testing.Fixtures;
import io.conflux.update.ModelUpdate;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadService;
import io.conflux.update.UploadStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The round state machine as the CDK app defines it, run end to end on the Step Functions interpreter
 * with the real round handlers on the stand-ins: updates go in through presigned URLs and the ingest
 * function, a model comes out in the registry and the models bucket.
 */
@ExtendWith(SharedStandIns.class)
class RoundWorkflowTest {
    private static final Map<String, Integer> FAST_WAIT = Map.of("WaitForUpdates", 200);
    private static final Map<String, Integer> FAST_RETRY = Map.of("DecodeBatch", 10, "Collect", 10, "Combine", 10);
    private static String definition;
    private static Platform platform;
    private static RoundTasks tasks;
    private static LocalStepFunctions sfn;
    private static SqsEventSource ingest;
    private static final AtomicInteger transientFailures = new AtomicInteger();

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        definition = RoundWorkflowAsl.render(4);
        Map<String, String> env = new HashMap<>(Fixtures.env(aws).asMap());
        env.put(Settings.ROUND_GRACE_SECONDS, "0");
        env.put(Settings.ROUND_BATCH_SIZE, "2");
        env.put(Settings.ROUND_SHARD_BUDGET_FLOATS, "4096"); // several coordinate shards for the robust rules
        platform = new Platform(new Env(env), Clock.systemUTC());
        try (var csv = RoundWorkflowTest.class.getResourceAsStream("/market/btc-usdt-1h.csv")) {
            platform.modelsBucket().put(io.conflux.evaluation.ValidationSets.marketKey("btc-usdt-1h"), csv.readAllBytes());
        }
        tasks = new RoundTasks(platform, OnnxEvaluators.fromPlatform(platform));
        sfn = new LocalStepFunctions((name, input) -> {
            RoundStep step = RoundStep.ofFunctionName(name);
            if (step == RoundStep.DECODE && transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new TransientStepException("injected: storage briefly unreachable", null);
            }
            return tasks.run(step, input);
        });
        ingest = new SqsEventSource(aws.sqs(), aws.get(ConfluxResources.INGEST_QUEUE.envVar()), new IngestHandler(platform), 10);
    }

    @AfterAll
    static void stop() {
        if (sfn != null) sfn.close();
        if (ingest != null) ingest.close();
        if (platform != null) platform.close();
    }

    @Test
    void theDefinition_passesAslValidator() throws Exception {
        assertEquals("", sfn.validate(definition));
        String broken = definition.replace("\"Next\":\"Collected?\"", "\"Next\":\"NoSuchState\"");
        assertNotEquals("", sfn.validate(broken), "the validator must catch a transition to a missing state");
    }

    @Test
    void aRound_aggregatesEvaluatesScoresAndPublishes_andARedriveChangesNothing() throws Exception {
        Round round = open("clip(max=1.2)+fedavg", 2);
        List<InMemorySource.Update> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) sent.add(upload(round, 100 + i, 0.4 + 0.5 * i)); // the last one (norm 1.4) is clipped
        transientFailures.set(1);

        LocalStepFunctions.Execution run = sfn.run(definition, Map.of("roundId", round.roundId()), FAST_WAIT, FAST_RETRY);
        assertTrue(run.succeeded(), run.error() + ": " + run.cause());
        assertTrue(run.statesEntered().containsAll(List.of("Collect", "Close", "Decode", "DecodeBatch", "Combine", "Evaluate", "Score", "Publish")));
        assertFalse(run.statesEntered().contains("Reduce"), "FedAvg needs no coordinate shards");
        assertTrue(run.events().stream().anyMatch(e -> "StateRetried".equals(e.get("type"))), "the injected transient failure was retried");

        Round done = platform.roundStore().find(round.roundId()).orElseThrow();
        assertEquals(RoundStatus.PUBLISHED, done.status());
        PublishedModel model = platform.models().find(round.templateId(), done.modelVersion()).orElseThrow();
        assertEquals(round.roundId(), model.roundId());

        // the published model is the base model plus the clipped FedAvg of the updates, computed here independently
        float[] delta = Strategies.parse("clip(max=1.2)+fedavg", round.normBound()).aggregate(new InMemorySource(sent)).values();
        ModelParameters expected = base(round).plus(delta);
        ModelParameters published = ModelParameters.fromSafeTensors(platform.modelsBucket().get(model.parametersKey()));
        assertArrayEquals(expected.values(), published.values());
        assertEquals(expected.hash(), model.parametersHash());
        byte[] onnx = platform.modelsBucket().get(model.onnxKey());
        assertEquals(HexFormat.of().formatHex(UpdateEnvelope.sha256(onnx)), model.onnxSha256());

        // the receipt is signed by the platform key and lists every update with its weight and clipping
        Map<String, Object> receipt = Receipt.verify(new String(platform.modelsBucket().get(model.receiptKey()), StandardCharsets.UTF_8),
                Fixtures.PLATFORM.address());
        List<?> updates = (List<?>) receipt.get("updates");
        assertEquals(3, updates.size());
        assertEquals(1.0, updates.stream().mapToDouble(u -> ((Number) ((Map<?, ?>) u).get("weight")).doubleValue()).sum(), 1e-12);
        assertEquals(1, updates.stream().filter(u -> Boolean.TRUE.equals(((Map<?, ?>) u).get("clipped"))).count());
        Map<?, ?> candidate = (Map<?, ?>) Json.at(receipt, "evaluation", "candidate");
        assertTrue(((Number) candidate.get("windows")).intValue() > 100, "scored on the validation window: " + candidate);

        List<ContributionScore> scores = platform.scores().round(round.roundId());
        assertEquals(3, scores.size());
        long ppm = scores.stream().mapToLong(ContributionScore::payoutPpm).sum();
        assertTrue(ppm == 1_000_000 || ppm == 0, "shares are whole: " + ppm);

        // a re-driven execution finds the round published and changes nothing
        LocalStepFunctions.Execution again = sfn.run(definition, Map.of("roundId", round.roundId()), FAST_WAIT, FAST_RETRY);
        assertTrue(again.succeeded(), again.cause());
        assertEquals(done.modelVersion(), platform.roundStore().find(round.roundId()).orElseThrow().modelVersion());
        assertEquals(model.version(), platform.models().latest(round.templateId()).orElseThrow().version());
    }

    @Test
    void aRobustRound_reducesCoordinateShards_andEqualsTheInProcessMedian() throws Exception {
        Round round = open("median", 3);
        List<InMemorySource.Update> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) sent.add(upload(round, 200 + i, 0.3 + 0.1 * i));
        LocalStepFunctions.Execution run = sfn.run(definition, Map.of("roundId", round.roundId()), FAST_WAIT, FAST_RETRY);
        assertTrue(run.succeeded(), run.error() + ": " + run.cause());
        assertTrue(run.statesEntered().contains("ReduceShard"));
        Round done = platform.roundStore().find(round.roundId()).orElseThrow();
        PublishedModel model = platform.models().find(round.templateId(), done.modelVersion()).orElseThrow();
        float[] median = Strategies.parse("median", round.normBound()).aggregate(new InMemorySource(sent)).values();
        assertArrayEquals(base(round).plus(median).values(), ModelParameters.fromSafeTensors(platform.modelsBucket().get(model.parametersKey())).values());
    }

    @Test
    void aRoundBelowQuorum_endsWithoutAModel_andSaysWhy() throws Exception {
        Round round = open("fedavg", 3);
        upload(round, 300, 0.5);
        LocalStepFunctions.Execution run = sfn.run(definition, Map.of("roundId", round.roundId()), FAST_WAIT, FAST_RETRY);
        assertTrue(run.succeeded(), run.cause());
        assertTrue(run.statesEntered().contains("NoNewModel"));
        assertFalse(run.statesEntered().contains("Close"));
        Round done = platform.roundStore().find(round.roundId()).orElseThrow();
        assertEquals(RoundStatus.NO_QUORUM, done.status());
        assertEquals("1 accepted update(s) by the deadline, the quorum is 3", done.statusReason());
        assertEquals(0, done.modelVersion());
    }

    @Test
    void aStepThatFailsForGood_failsTheRound_withTheReasonRecorded() throws Exception {
        Round round = open("fedavg", 2);
        upload(round, 400, 0.5);
        upload(round, 401, 0.6);
        // an accepted object replaced behind the platform's back: decoding must refuse it, not aggregate it
        var victim = platform.ledger().listRound(round.roundId()).stream().filter(r -> r.status() == UploadStatus.ACCEPTED).findFirst().orElseThrow();
        Wallet w = Wallet.create();
        platform.aws().s3().putObject(r -> r.bucket(platform.env().require(ConfluxResources.UPDATES_BUCKET.envVar())).key(victim.objectKey()),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(UpdateEnvelope.seal(
                        TestUpdates.gaussian(round.template(), round.roundId(), w.address(), 7, 0.5), w, round.publicKey())));
        LocalStepFunctions.Execution run = sfn.run(definition, Map.of("roundId", round.roundId()), FAST_WAIT, FAST_RETRY);
        assertFalse(run.succeeded());
        assertEquals("RoundFailed", run.error());
        assertTrue(run.statesEntered().contains("RecordFailure"));
        Round done = platform.roundStore().find(round.roundId()).orElseThrow();
        assertEquals(RoundStatus.FAILED, done.status());
        assertTrue(done.statusReason().contains("is not the update accepted as " + victim.contentHash()), done.statusReason());
        assertTrue(platform.models().list(round.templateId()).stream().noneMatch(m -> m.roundId().equals(round.roundId())));
    }

    /** The model a round starts from: genesis, or the latest published one when it opened. */
    private static ModelParameters base(Round round) throws java.io.IOException {
        return round.baseModel().equals(Round.GENESIS) ? ModelParameters.genesis(round.template())
                : ModelParameters.fromSafeTensors(platform.modelsBucket().get("parameters/" + round.baseModel() + ".safetensors"));
    }

    private static Round open(String rule, int quorum) {
        RoundPolicy d = platform.rounds().defaults();
        RoundPolicy policy = new RoundPolicy(quorum, 0, rule, new RoundPolicy.Validation("btc-usdt-1h",
                Instant.parse("2021-09-01T00:00:00Z"), Instant.parse("2021-09-20T00:00:00Z")), 40, d.seed());
        return platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofSeconds(4), null, 2.0, policy));
    }

    /** A trader's update through a presigned URL and the ingest function; returns it as aggregation sees it. */
    private static InMemorySource.Update upload(Round round, long seed, double norm) {
        Wallet w = Wallet.create();
        Session s = Fixtures.signIn(platform, w);
        ModelUpdate u = TestUpdates.gaussian(round.template(), round.roundId(), w.address(), seed, norm);
        byte[] sealed = UpdateEnvelope.seal(u, w, round.publicKey());
        UploadService.UploadTicket t = platform.uploads().issue(s, round.roundId(), sealed.length);
        assertEquals(200, Fixtures.put(t.put(), sealed).statusCode());
        long until = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < until) {
            var r = platform.ledger().find(round.roundId(), t.uploadId());
            if (r.isPresent() && r.get().status() != UploadStatus.ISSUED) {
                assertEquals(UploadStatus.ACCEPTED, r.get().status(), String.valueOf(r.get().detail()));
                break;
            }
            ingest.pollOnce(1);
        }
        return new InMemorySource.Update(HexFormat.of().formatHex(UpdateEnvelope.sha256(UpdateEnvelope.payload(u))), u.sampleCount(),
                Tensor.flatten(u.tensors()));
    }
}
