package io.conflux.ingest;

import static io.conflux.update.RejectionReason.*;
import static org.junit.jupiter.api.Assertions.*;

import io.conflux.identity.Session;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.resources.ConfluxResources;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundPolicy;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.rounds.UploadKey;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import io.conflux.update.IngestService;
import io.conflux.update.ModelUpdate;
import io.conflux.update.RejectionReason;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadService;
import io.conflux.update.UploadStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ingest function end to end on the stand-ins: every check, its recorded reason, and idempotence. */
@ExtendWith(SharedStandIns.class)
class IngestTest {
    private static IngestFlow flow;
    private static Round round;
    private static final ModelTemplate T = ModelTemplate.standard();

    private static LocalAws stack;

    @BeforeAll
    static void setUp(LocalAws aws) {
        stack = aws;
        flow = new IngestFlow(aws);
        round = openRound(Duration.ofMinutes(30), null);
    }

    static Round openRound(Duration duration, Long maxBytes) {
        return flow.platform.rounds().open(new RoundService.OpenRequest(null, null, duration, maxBytes, 10.0));
    }

    record Trader(Wallet wallet, Session session) {
        static Trader signIn() {
            Wallet w = Wallet.create();
            return new Trader(w, Fixtures.signIn(flow.platform, w));
        }

        ModelUpdate update(Round r, long seed, double norm) {
            return TestUpdates.gaussian(T, r.roundId(), wallet.address(), seed, norm);
        }

        byte[] seal(Round r, ModelUpdate u) {
            return UpdateEnvelope.seal(u, wallet, r.publicKey());
        }
    }

    @Test
    void aValidUpdate_isAccepted_withItsHashSamplesAndNorm() {
        Trader t = Trader.signIn();
        ModelUpdate u = t.update(round, 1, 2.5);
        UploadRecord r = flow.upload(t.session, round, t.seal(round, u));
        assertEquals(UploadStatus.ACCEPTED, r.status(), r.detail());
        assertEquals(HexFormat.of().formatHex(UpdateEnvelope.sha256(UpdateEnvelope.payload(u))), r.contentHash());
        assertEquals(u.sampleCount(), r.sampleCount());
        assertEquals(2.5, r.norm(), 1e-4);
        assertNull(r.reason());
        assertNotNull(r.eTag());
    }

    @Test
    void priming_onlyReads() {
        Trader t = Trader.signIn();
        assertEquals(UploadStatus.ACCEPTED, flow.upload(t.session, round, t.seal(round, t.update(round, 11, 1.5))).status());
        var before = Fixtures.state(stack);
        assertFalse(before.get("table updates").isEmpty(), "there is something priming could have changed");
        new IngestHandler(flow.platform).prime();
        assertEquals(before, Fixtures.state(stack));
    }

    /** One bad update per rejection reason, each recorded with exactly that reason. */
    @Test
    void everyKindOfBadUpdate_isRejectedWithItsOwnReason() throws Exception {
        List<RejectionReason> seen = new ArrayList<>();
        Trader t = Trader.signIn();
        byte[] good = t.seal(round, t.update(round, 2, 1.0));

        // the key names no round, or a round that does not exist, or an upload never issued
        String malformed = "rounds/not a round/updates/x";
        flow.putDirect(malformed, good);
        String unroutableId = HexFormat.of().formatHex(UpdateEnvelope.sha256(malformed.getBytes())).substring(0, 32);
        seen.add(expect(MALFORMED_KEY, flow.awaitDecided(IngestService.UNROUTABLE, unroutableId)));
        UploadKey noRound = UploadKey.fresh("no-such-round", t.wallet.address());
        flow.putDirect(noRound.key(), good);
        seen.add(expect(ROUND_NOT_FOUND, flow.awaitDecided(noRound.roundId(), noRound.uploadId())));
        UploadKey notIssued = UploadKey.fresh(round.roundId(), t.wallet.address());
        flow.putDirect(notIssued.key(), good);
        seen.add(expect(UNKNOWN_UPLOAD, flow.awaitDecided(round.roundId(), notIssued.uploadId())));

        // larger than the round allows (written around the presigned URL, which would refuse it)
        UploadService.UploadTicket ticket = flow.ticket(t.session, round.roundId(), 100);
        flow.putDirect(ticket.objectKey(), new byte[(int) round.maxUpdateBytes() + 1]);
        seen.add(expect(TOO_LARGE, flow.awaitDecided(round.roundId(), ticket.uploadId())));

        UploadRecord notAnEnvelope = flow.upload(t.session, round, "GIF89a not an update".getBytes());
        seen.add(expect(NOT_AN_ENVELOPE, notAnEnvelope));
        assertEquals(20L, flow.aws.s3().headObject(h -> h.bucket(flow.bucket).key(notAnEnvelope.objectKey())).contentLength(),
                "a rejected object stays in the bucket for audit");
        Round other = openRound(Duration.ofMinutes(30), null);
        seen.add(expect(DECRYPTION_FAILED, flow.upload(t.session, round, t.seal(other, t.update(other, 3, 1.0)))));
        byte[] badFraming = IngestFlow.sealRaw(round, new byte[10], new byte[3]);
        seen.add(expect(MALFORMED_ENVELOPE, flow.upload(t.session, round, badFraming)));
        byte[] payload = UpdateEnvelope.payload(t.update(round, 4, 1.0));
        byte[] garbageSignature = new byte[65];
        garbageSignature[64] = 99;
        seen.add(expect(BAD_SIGNATURE, flow.upload(t.session, round, IngestFlow.sealRaw(round, payload, garbageSignature))));

        Trader mallory = Trader.signIn();
        seen.add(expect(SIGNER_MISMATCH, flow.upload(t.session, round, mallory.seal(round, mallory.update(round, 5, 1.0)))));
        Wallet stranger = Wallet.create(); // holds a session (e.g. removed since) but never registered
        Session strangerSession = new Session(stranger.address(), Set.of(Session.Role.TRADER), Instant.now().plusSeconds(600), "x");
        byte[] strangers = UpdateEnvelope.seal(TestUpdates.gaussian(T, round.roundId(), stranger.address(), 6, 1.0), stranger, round.publicKey());
        seen.add(expect(SIGNER_NOT_REGISTERED, flow.upload(strangerSession, round, strangers)));

        seen.add(expect(MALFORMED_PAYLOAD, flow.upload(t.session, round, IngestFlow.sealSigned(round, "not safetensors".getBytes(), t.wallet))));
        byte[] otherRoundsPayload = UpdateEnvelope.payload(t.update(other, 7, 1.0));
        seen.add(expect(METADATA_MISMATCH, flow.upload(t.session, round, IngestFlow.sealSigned(round, otherRoundsPayload, t.wallet))));

        // a closed round (written to the store as the round workflow will), with an upload issued while open
        Round opened = openRound(Duration.ofMinutes(30), null);
        flow.aws.dynamo().updateItem(r -> r.tableName(flow.aws.get(ConfluxResources.ROUNDS.envVar()))
                .key(java.util.Map.of("roundId", att(opened.roundId()))).updateExpression("SET #s = :closed")
                .expressionAttributeNames(java.util.Map.of("#s", "status")).expressionAttributeValues(java.util.Map.of(":closed", att("CLOSED"))));
        Round closed = flow.platform.rounds().get(opened.roundId());
        assertEquals(RoundStatus.CLOSED, closed.status());
        UploadKey closedKey = UploadKey.fresh(closed.roundId(), t.wallet.address());
        flow.platform.ledger().recordIssued(UploadRecord.issued(closed.roundId(), closedKey.uploadId(), t.wallet.address(), Instant.now(), 1, closedKey.key()));
        flow.putDirect(closedKey.key(), IngestFlow.sealSigned(closed, UpdateEnvelope.payload(t.update(closed, 8, 1.0)), t.wallet));
        seen.add(expect(ROUND_NOT_OPEN, flow.awaitDecided(closed.roundId(), closedKey.uploadId())));

        // arrives after the deadline (the presigned URL would have expired, so written directly)
        Round shortRound = openRound(Duration.ofSeconds(2), null);
        UploadService.UploadTicket lateTicket = flow.ticket(t.session, shortRound.roundId(), 10);
        Thread.sleep(Duration.between(Instant.now(), shortRound.deadline()).toMillis() + 50);
        flow.putDirect(lateTicket.objectKey(), t.seal(shortRound, t.update(shortRound, 9, 1.0)));
        seen.add(expect(LATE, flow.awaitDecided(shortRound.roundId(), lateTicket.uploadId())));

        ModelUpdate wrongTemplate = TestUpdates.gaussian(new ModelTemplate(32, 24, 8, 3), round.roundId(), t.wallet.address(), 10, 1.0);
        seen.add(expect(TEMPLATE_MISMATCH, flow.upload(t.session, round, t.seal(round, wrongTemplate))));
        ModelUpdate nan = t.update(round, 11, 1.0);
        List<Tensor> withNan = new ArrayList<>(nan.tensors());
        float[] v = withNan.get(4).values().clone();
        v[1] = Float.NaN;
        withNan.set(4, new Tensor(withNan.get(4).name(), withNan.get(4).shape(), v));
        ModelUpdate nanUpdate = new ModelUpdate(nan.roundId(), nan.trader(), nan.createdAt(), nan.sampleCount(), nan.templateId(), withNan, nan.dataEnd());
        seen.add(expect(NON_FINITE, flow.upload(t.session, round, t.seal(round, nanUpdate))));
        seen.add(expect(NORM_EXCEEDED, flow.upload(t.session, round, t.seal(round, t.update(round, 12, 10.5)))));
        // a round that requires DP (clip 0.05, noise 1 x clip): noise alone has norm 0.05 x sqrt(7,523) = 4.34 over the standard template
        RoundPolicy d = flow.platform.rounds().defaults();
        Round dpRound = flow.platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofMinutes(30), null, 10.0,
                new RoundPolicy(d.minUpdates(), d.maxUpdates(), d.rule(), d.validation(), d.scoreBudget(), d.seed(), new RoundPolicy.Privacy(0.05, 1.0))));
        UploadRecord quiet = flow.upload(t.session, dpRound, t.seal(dpRound, t.update(dpRound, 16, 1.0)));
        seen.add(expect(DP_NOISE_MISSING, quiet));
        assertTrue(quiet.detail().contains("3.9"), "the floor is 90% of 4.34: " + quiet.detail());
        assertEquals(UploadStatus.ACCEPTED, flow.upload(t.session, dpRound, t.seal(dpRound, t.update(dpRound, 17, 4.4))).status(), "a noised one passes");
        ModelUpdate fine = t.update(round, 15, 1.0);
        ModelUpdate peeked = new ModelUpdate(fine.roundId(), fine.trader(), fine.createdAt(), fine.sampleCount(), fine.templateId(), fine.tensors(),
                round.policy().validation().from()); // its last candle is the validation window's first
        UploadRecord overlap = flow.upload(t.session, round, t.seal(round, peeked));
        seen.add(expect(OVERLAPS_VALIDATION, overlap));
        assertTrue(overlap.detail().contains(round.policy().validation().from().toString()), overlap.detail());

        // replays: a second object under a decided upload id, and the same content again
        ModelUpdate once = t.update(round, 13, 1.0);
        UploadService.UploadTicket first = flow.ticket(t.session, round.roundId(), 0 + t.seal(round, once).length);
        byte[] sealedOnce = t.seal(round, once);
        assertEquals(200, io.conflux.testing.Fixtures.put(first.put(), sealedOnce).statusCode());
        assertEquals(UploadStatus.ACCEPTED, flow.awaitDecided(round.roundId(), first.uploadId()).status());
        flow.putDirect(first.objectKey(), t.seal(round, t.update(round, 14, 1.0))); // bypassing the no-overwrite URL
        UploadRecord afterReplace = awaitReplacementNoted(round.roundId(), first.uploadId());
        assertEquals(UploadStatus.ACCEPTED, afterReplace.status(), "the first verdict stands");
        seen.add(REPLAY_UPLOAD_ID);
        seen.add(expect(REPLAY_CONTENT, flow.upload(t.session, round, t.seal(round, once))));

        assertEquals(EnumSet.allOf(RejectionReason.class), EnumSet.copyOf(seen), "the corpus covers every reason");
    }

    /** The same S3 event delivered three times leaves the state one delivery leaves. */
    /**
     * The round closes between an update's checks and its acceptance (the round workflow's Close runs
     * while ingest works): the acceptance transaction sees the round no longer OPEN and the update is
     * rejected as ROUND_NOT_OPEN. It can never be accepted after the round's plan was fixed.
     */
    @Test
    void aRoundClosingWhileAnUpdateIsChecked_rejectsTheUpdate_itIsNeverAcceptedAfterTheClose() {
        Round r = openRound(Duration.ofMinutes(30), null);
        Trader t = Trader.signIn();
        byte[] sealed = t.seal(r, t.update(r, 77, 1.0));
        UploadService.UploadTicket ticket = flow.ticket(t.session, r.roundId(), sealed.length);
        assertEquals(200, io.conflux.testing.Fixtures.put(ticket.put(), sealed).statusCode());
        var head = flow.aws.s3().headObject(h -> h.bucket(flow.bucket).key(ticket.objectKey()));
        var object = new UpdateLedger.ObjectRef(ticket.objectKey(), head.eTag(), head.versionId(), head.contentLength(), head.lastModified());

        UpdateLedger real = flow.platform.ledger();
        UpdateLedger closesFirst = new UpdateLedger() {
            public void recordIssued(UploadRecord issued) { real.recordIssued(issued); }
            public java.util.Optional<UploadRecord> find(String roundId, String uploadId) { return real.find(roundId, uploadId); }
            public List<UploadRecord> listRound(String roundId) { return real.listRound(roundId); }
            public Outcome reject(String roundId, String uploadId, String trader, ObjectRef o, RejectionReason reason, String detail,
                                  String contentHash, Instant decidedAt) {
                return real.reject(roundId, uploadId, trader, o, reason, detail, contentHash, decidedAt);
            }
            public Outcome accept(String roundId, String uploadId, ObjectRef o, io.conflux.update.UpdateVerifier.Verified v, Instant at) {
                // every check has passed; now the workflow's Close step wins the race
                assertTrue(flow.platform.roundStore().transition(roundId, EnumSet.of(RoundStatus.OPEN), RoundStatus.CLOSED, null));
                return real.accept(roundId, uploadId, o, v, at);
            }
        };
        IngestService racing = new IngestService(flow.platform.roundStore(), flow.platform.rounds(), closesFirst, flow.platform.traders(),
                flow.platform.updateObjects(), java.time.Clock.systemUTC());
        IngestService.Result result = racing.process(object);
        assertEquals(UploadStatus.REJECTED, result.status());
        assertEquals(ROUND_NOT_OPEN, result.reason());
        UploadRecord stored = flow.platform.ledger().find(r.roundId(), ticket.uploadId()).orElseThrow();
        assertEquals(UploadStatus.REJECTED, stored.status());
        assertEquals(ROUND_NOT_OPEN, stored.reason());
        assertTrue(flow.platform.ledger().listRound(r.roundId()).stream().noneMatch(u -> u.status() == UploadStatus.ACCEPTED));
        // the S3 event arriving again later changes nothing
        assertEquals(UploadStatus.REJECTED, flow.platform.ingest().process(object).status());
        assertEquals(ROUND_NOT_OPEN, flow.platform.ledger().find(r.roundId(), ticket.uploadId()).orElseThrow().reason());
    }

    @Test
    void aRepeatedEvent_changesNothing() throws Exception {
        Uploaded up = uploadAndTakeEvent(Trader.signIn(), 20);
        UploadService.UploadTicket ticket = up.ticket();
        String body = up.event();
        var handler = new IngestHandler(flow.platform);
        var item = (java.util.function.Supplier<Object>) () -> flow.aws.dynamo().getItem(r -> r
                .tableName(flow.aws.get(ConfluxResources.UPDATES.envVar()))
                .key(java.util.Map.of("roundId", att(round.roundId()), "uploadId", att(ticket.uploadId())))).item();
        assertTrue(handler.handleRequest(sqsEvent(body, "m1"), null).getBatchItemFailures().isEmpty());
        Object afterOne = item.get();
        long claimsAfterOne = claimsFor(ticket.uploadId());
        for (int i = 2; i <= 3; i++) {
            assertTrue(handler.handleRequest(sqsEvent(body, "m" + i), null).getBatchItemFailures().isEmpty());
        }
        assertEquals(afterOne, item.get(), "the record is byte for byte what one delivery left");
        assertEquals(1, claimsAfterOne);
        assertEquals(1, claimsFor(ticket.uploadId()), "one content claim");
    }

    /** A failure outside the object (storage unreachable) is reported for retry, and the retry accepts the update. */
    @Test
    void aTransientFailure_isRetried_andTheUpdateIsNotLost() {
        Uploaded up = uploadAndTakeEvent(Trader.signIn(), 30);
        UploadService.UploadTicket ticket = up.ticket();
        String body = up.event();
        var broken = new io.conflux.aws.Platform(Fixtures.env(flow.aws).with(java.util.Map.of("CONFLUX_ENDPOINT_S3", "http://127.0.0.1:9")), java.time.Clock.systemUTC());
        var failures = new IngestHandler(broken).handleRequest(sqsEvent(body, "retry-me"), null).getBatchItemFailures();
        assertEquals(List.of("retry-me"), failures.stream().map(f -> f.getItemIdentifier()).toList());
        assertEquals(UploadStatus.ISSUED, flow.platform.ledger().find(round.roundId(), ticket.uploadId()).orElseThrow().status(), "nothing recorded");
        assertTrue(new IngestHandler(flow.platform).handleRequest(sqsEvent(body, "retry-me"), null).getBatchItemFailures().isEmpty());
        assertEquals(UploadStatus.ACCEPTED, flow.platform.ledger().find(round.roundId(), ticket.uploadId()).orElseThrow().status());
    }

    /** A message that can never be processed ends in the dead-letter queue after maxReceiveCount tries, not lost. */
    @Test
    void aPoisonMessage_endsInTheDeadLetterQueue() throws Exception {
        var sqs = flow.aws.sqs();
        String dlq = sqs.createQueue(r -> r.queueName("poison-test-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        String queue = sqs.createQueue(r -> r.queueName("poison-test").attributesWithStrings(java.util.Map.of(
                "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}", "VisibilityTimeout", "1"))).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("this is not an S3 event"));
        var source = new io.conflux.standins.SqsEventSource(sqs, queue, new IngestHandler(flow.platform), 10);
        long deadline = System.currentTimeMillis() + 20_000;
        List<software.amazon.awssdk.services.sqs.model.Message> dead = List.of();
        while (dead.isEmpty() && System.currentTimeMillis() < deadline) {
            assertEquals(0, source.pollOnce(1), "the poison message never succeeds");
            dead = sqs.receiveMessage(r -> r.queueUrl(dlq).waitTimeSeconds(0)).messages();
        }
        assertEquals(1, dead.size());
        assertEquals("this is not an S3 event", dead.get(0).body());
    }

    // -- helpers

    record Uploaded(UploadService.UploadTicket ticket, String event) {}

    /** Uploads a valid update through a fresh URL and takes its S3 event off the queue, for a test to deliver by hand. */
    private static Uploaded uploadAndTakeEvent(Trader t, long seed) {
        byte[] sealed = t.seal(round, t.update(round, seed, 1.0));
        UploadService.UploadTicket ticket = flow.ticket(t.session, round.roundId(), sealed.length);
        assertEquals(200, Fixtures.put(ticket.put(), sealed).statusCode());
        return new Uploaded(ticket, receiveBodyFor(flow.aws.get(ConfluxResources.INGEST_QUEUE.envVar()), ticket.objectKey()));
    }

    private static RejectionReason expect(RejectionReason reason, UploadRecord r) {
        assertEquals(UploadStatus.REJECTED, r.status(), reason + " expected, got " + r.status());
        assertEquals(reason, r.reason(), r.detail());
        assertNotNull(r.detail());
        return reason;
    }

    private static UploadRecord awaitReplacementNoted(String roundId, String uploadId) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            var item = flow.aws.dynamo().getItem(r -> r.tableName(flow.aws.get(ConfluxResources.UPDATES.envVar()))
                    .key(java.util.Map.of("roundId", att(roundId), "uploadId", att(uploadId)))).item();
            if (item.containsKey("replacedETags")) return flow.platform.ledger().find(roundId, uploadId).orElseThrow();
            flow.events.pollOnce(1);
        }
        fail("the replacement of " + uploadId + " was not noted");
        return null;
    }

    private static long claimsFor(String uploadId) {
        return flow.aws.dynamo().scan(r -> r.tableName(flow.aws.get(ConfluxResources.CLAIMS.envVar()))).items().stream()
                .filter(i -> uploadId.equals(i.get("uploadId").s())).count();
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue att(String s) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(s);
    }

    static com.amazonaws.services.lambda.runtime.events.SQSEvent sqsEvent(String body, String messageId) {
        var m = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        m.setMessageId(messageId);
        m.setBody(body);
        var e = new com.amazonaws.services.lambda.runtime.events.SQSEvent();
        e.setRecords(List.of(m));
        return e;
    }

    /** Takes the S3 event for {@code key} off the queue (others go back). */
    private static String receiveBodyFor(String queue, String key) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (var m : flow.aws.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                if (m.body().contains(key)) {
                    flow.aws.sqs().deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                    return m.body();
                }
                flow.aws.sqs().changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        fail("no event for " + key);
        return null;
    }
}
