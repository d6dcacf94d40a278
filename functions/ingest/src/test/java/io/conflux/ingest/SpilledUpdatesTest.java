package io.conflux.ingest;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.aggregation.CoordinateStatistic;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.InMemorySource;
import io.conflux.aggregation.SpilledUpdates;
import io.conflux.identity.Session;
import io.conflux.identity.Wallet;
import io.conflux.model.Tensor;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import io.conflux.update.ModelUpdate;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A round's accepted updates read back from the bucket for aggregation, on the stand-ins. */
@ExtendWith(SharedStandIns.class)
class SpilledUpdatesTest {

    @Test
    void acceptedUpdates_readBackFromTheBucket_aggregateExactlyAsTheOriginals(LocalAws aws, @TempDir Path dir) throws Exception {
        IngestFlow flow = new IngestFlow(aws);
        Round round = flow.platform.rounds().open(new RoundService.OpenRequest(null, null, Duration.ofMinutes(30), null, 10.0));
        List<InMemorySource.Update> originals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Wallet w = Wallet.create();
            Session s = Fixtures.signIn(flow.platform, w);
            ModelUpdate u = TestUpdates.gaussian(round.template(), round.roundId(), w.address(), 40 + i, 0.5 + i);
            assertEquals(UploadStatus.ACCEPTED, flow.upload(s, round, UpdateEnvelope.seal(u, w, round.publicKey())).status());
            originals.add(new InMemorySource.Update(HexFormat.of().formatHex(UpdateEnvelope.sha256(UpdateEnvelope.payload(u))),
                    u.sampleCount(), Tensor.flatten(u.tensors())));
        }
        Wallet late = Wallet.create();
        Session lateSession = Fixtures.signIn(flow.platform, late);
        ModelUpdate tooLarge = TestUpdates.gaussian(round.template(), round.roundId(), late.address(), 99, 50);
        assertEquals(UploadStatus.REJECTED, flow.upload(lateSession, round, UpdateEnvelope.seal(tooLarge, late, round.publicKey())).status());

        List<UploadRecord> ledger = flow.platform.ledger().listRound(round.roundId());
        assertEquals(5, ledger.size());
        byte[] key = flow.platform.rounds().privateKey(round);
        InMemorySource expected = new InMemorySource(originals);
        try (SpilledUpdates spilled = SpilledUpdates.load(round, key, ledger, flow.platform.updateObjects(), dir, 3)) {
            assertEquals(4, spilled.size(), "only accepted updates count");
            for (int k = 0; k < spilled.size(); k++) assertEquals(expected.id(k), spilled.id(k));
            assertArrayEquals(new FedAvg(10).aggregate(expected).values(), new FedAvg(10).aggregate(spilled).values());
            assertArrayEquals(CoordinateStatistic.median().aggregate(expected).values(), CoordinateStatistic.median().aggregate(spilled).values());
        }

        // an accepted object replaced behind the platform's back is refused, not aggregated
        UploadRecord victim = ledger.stream().filter(r -> r.status() == UploadStatus.ACCEPTED).findFirst().orElseThrow();
        Wallet w = Wallet.create();
        flow.putDirect(victim.objectKey(), UpdateEnvelope.seal(TestUpdates.gaussian(round.template(), round.roundId(), w.address(), 7, 1), w, round.publicKey()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpilledUpdates.load(round, key, ledger, flow.platform.updateObjects(), dir, 2));
        assertTrue(e.getMessage().contains("is not the update accepted"), e.getMessage());
    }
}
