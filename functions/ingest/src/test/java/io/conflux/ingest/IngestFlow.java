package io.conflux.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aws.Platform;
import io.conflux.crypto.RoundKeys;
import io.conflux.identity.Session;
import io.conflux.identity.Wallet;
import io.conflux.resources.ConfluxResources;
import io.conflux.rounds.Round;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SqsEventSource;
import io.conflux.testing.Fixtures;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadService;
import io.conflux.update.UploadStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/** A trader's upload from ticket to verdict, through the presigned URL, the S3 event, SQS and the ingest handler. */
final class IngestFlow {
    final LocalAws aws;
    final Platform platform;
    final SqsEventSource events;
    final String bucket;

    IngestFlow(LocalAws aws) {
        this.aws = aws;
        this.platform = Fixtures.platform(aws);
        this.events = new SqsEventSource(aws.sqs(), aws.get(ConfluxResources.INGEST_QUEUE.envVar()), new IngestHandler(platform), 10);
        this.bucket = aws.get(ConfluxResources.UPDATES_BUCKET.envVar());
    }

    UploadService.UploadTicket ticket(Session s, String roundId, long bytes) {
        return platform.uploads().issue(s, roundId, bytes);
    }

    /** Uploads through a fresh presigned URL and waits for the verdict. */
    UploadRecord upload(Session s, Round round, byte[] sealed) {
        UploadService.UploadTicket t = ticket(s, round.roundId(), sealed.length);
        assertEquals(200, Fixtures.put(t.put(), sealed).statusCode());
        return awaitDecided(round.roundId(), t.uploadId());
    }

    /** Runs the event source until the upload has a verdict. */
    UploadRecord awaitDecided(String roundId, String uploadId) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            Optional<UploadRecord> r = platform.ledger().find(roundId, uploadId);
            if (r.isPresent() && r.get().status() != UploadStatus.ISSUED) return r.get();
            events.pollOnce(1);
        }
        fail("upload " + uploadId + " was not decided in time");
        return null;
    }

    /** Writes straight to the bucket, as someone holding bucket credentials could (not through a presigned URL). */
    void putDirect(String key, byte[] bytes) {
        aws.s3().putObject(r -> r.bucket(bucket).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }

    /** An envelope whose plaintext is exactly {@code len(payload) || payload || signature}, signed or not as given. */
    static byte[] sealRaw(Round round, byte[] payload, byte[] signature) {
        byte[] plain = ByteBuffer.allocate(4 + payload.length + signature.length).putInt(payload.length).put(payload).put(signature).array();
        return concat(UpdateEnvelope.MAGIC, RoundKeys.encrypt(round.publicKey(), plain, UpdateEnvelope.info(round.roundId())));
    }

    static byte[] sealSigned(Round round, byte[] payload, Wallet signer) {
        return sealRaw(round, payload, signer.signPersonal(UpdateEnvelope.sha256(payload)));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
