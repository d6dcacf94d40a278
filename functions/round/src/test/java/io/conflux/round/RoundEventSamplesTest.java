package io.conflux.round;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aws.Platform;
import io.conflux.federation.RoundStep;
import io.conflux.platform.Json;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every sample in events/round goes to the round handler of its step and gives the outcome events/README.md promises. */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoundEventSamplesTest {
    private static final Path EVENTS = Path.of(System.getProperty("conflux.events.dir", "../../events")).resolve("round");
    private Platform platform;
    private RoundTasks tasks;
    private LocalAws aws;

    @BeforeAll
    void setUp(LocalAws aws) {
        this.aws = aws;
        platform = Fixtures.platform(aws);
        tasks = new RoundTasks(platform, OnnxEvaluators.fromPlatform(platform));
        for (String id : new String[] {"sample-round-open", "sample-round-failing"}) {
            if (platform.roundStore().find(id).isEmpty()) {
                platform.rounds().open(new RoundService.OpenRequest(id, null, Duration.ofHours(1), null, null));
            }
        }
    }

    private Map<String, Object> invoke(RoundStep step, String sample) throws Exception {
        Map<String, Object> input = Json.object(Files.readString(EVENTS.resolve(sample)));
        return new RoundHandler(step, tasks).handleRequest(input, null);
    }

    @Test
    void everySampleIsCoveredHere() throws Exception {
        try (Stream<Path> files = Files.list(EVENTS)) {
            assertEquals(4, files.filter(p -> p.toString().endsWith(".json")).count(), "a new sample needs its case in this test");
        }
    }

    @Test
    void everyStepsPriming_onlyReads() {
        var before = Fixtures.state(aws);
        assertFalse(before.get("table rounds").isEmpty(), "there is something priming could have changed");
        for (RoundStep step : RoundStep.values()) new RoundHandler(step, platform).prime();
        assertEquals(before, Fixtures.state(aws));
    }

    @Test
    void executionInput_collects_andWaitsBelowQuorum() throws Exception {
        Map<String, Object> out = invoke(RoundStep.COLLECT, "execution-input.json");
        assertEquals("sample-round-open", out.get("roundId"));
        assertEquals("WAIT", out.get("next"));
        assertEquals(0L, ((Number) out.get("accepted")).longValue());
        assertTrue(((Number) out.get("waitSeconds")).longValue() >= 1);
        assertEquals(RoundStatus.OPEN, platform.rounds().get("sample-round-open").status(), "collecting changes nothing");
    }

    @Test
    void decodeItem_ofARoundNeverClosed_failsWithItsReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> invoke(RoundStep.DECODE, "decode-batch-item.json"));
        assertTrue(e.getMessage().contains("never closed"), e.getMessage());
    }

    @Test
    void recordFailure_endsTheRound_withTheErrorsMessageAsReason() throws Exception {
        invoke(RoundStep.FAIL, "record-failure.json");
        Round r = platform.rounds().get("sample-round-failing");
        assertEquals(RoundStatus.FAILED, r.status());
        assertTrue(r.statusReason().contains("is no longer the accepted update"), r.statusReason());
        assertFalse(r.statusReason().contains("errorType"), "the reason is the message, not Lambda's error document: " + r.statusReason());
        // delivered again (a retried RecordFailure): nothing changes
        invoke(RoundStep.FAIL, "record-failure.json");
        assertEquals(r.statusReason(), platform.rounds().get("sample-round-failing").statusReason());
    }

    @Test
    void aServiceThatCannotBeReached_isATransientFailure_whichTheStateMachineRetries(LocalAws aws) throws Exception {
        java.util.Map<String, String> vars = new java.util.HashMap<>(Fixtures.env(aws).asMap());
        vars.put(io.conflux.aws.Settings.ENDPOINT_DYNAMODB, "http://127.0.0.1:9"); // nothing listens on the discard port
        try (Platform unreachable = new Platform(new io.conflux.aws.Env(vars), java.time.Clock.systemUTC())) {
            RoundHandler h = new RoundHandler(RoundStep.COLLECT, new RoundTasks(unreachable, OnnxEvaluators.fromPlatform(unreachable)));
            Map<String, Object> input = Json.object(Files.readString(EVENTS.resolve("execution-input.json")));
            var e = assertThrows(io.conflux.federation.TransientStepException.class, () -> h.handleRequest(input, null));
            assertTrue(e.getMessage().startsWith("round-collect of round sample-round-open"), e.getMessage());
        }
    }

    @Test
    void anInputWithoutRoundId_isRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> invoke(RoundStep.SCORE, "collect-without-round-id.json"));
        assertTrue(e.getMessage().contains("lacks 'roundId'"), e.getMessage());
    }
}
