package io.conflux.bench;

import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import io.conflux.identity.SessionTokens;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.local.LocalRuntime;
import io.conflux.model.ModelTemplate;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.standins.LocalAws;
import io.conflux.standins.StandIns;
import io.conflux.update.TestUpdates;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UploadService;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Stand-ins, a platform, a signed-in trader and rounds: the setting every benchmark here runs in. */
final class BenchWorld implements AutoCloseable {
    final LocalAws aws;
    final Env env;
    final Platform platform;
    final Wallet trader = Wallet.create();
    final SessionTokens.Issued login;
    private final HttpClient http = HttpClient.newHttpClient();

    BenchWorld() throws IOException {
        Path dir = Files.createTempDirectory("conflux-bench");
        aws = new LocalAws(StandIns.startInMemory(), "bench");
        env = LocalRuntime.functionEnv(aws, dir, 8080, Wallet.create());
        platform = new Platform(env, Clock.systemUTC());
        SignInService.SignedLogin signed = platform.signIn().challenge().signWith(trader);
        try {
            login = platform.signIn().signIn(signed.message(), signed.signature());
        } catch (AuthenticationException e) {
            throw new IllegalStateException(e);
        }
    }

    Session session() {
        return login.session();
    }

    Round openRound(ModelTemplate template) {
        return platform.rounds().open(new RoundService.OpenRequest(null, template.id(), Duration.ofHours(2), null, 10.0));
    }

    byte[] sealedUpdate(Round round, long seed) {
        return UpdateEnvelope.seal(TestUpdates.gaussian(round.template(), round.roundId(), trader.address(), seed, 1.0), trader, round.publicKey());
    }

    /** Uploads through a presigned URL as a trader would; returns the object as the S3 event will describe it. */
    UpdateLedger.ObjectRef upload(Round round, byte[] sealed) throws IOException, InterruptedException {
        UploadService.UploadTicket t = platform.uploads().issue(session(), round.roundId(), sealed.length);
        HttpResponse<String> r = http.send(t.put().request(sealed), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("upload refused: " + r.statusCode());
        var head = aws.s3().headObject(h -> h.bucket(env.require("BUCKET_UPDATES")).key(t.objectKey()));
        return new UpdateLedger.ObjectRef(t.objectKey(), head.eTag().replace("\"", ""), head.versionId(), head.contentLength(), Instant.now());
    }

    @Override
    public void close() {
        platform.close();
        aws.close();
    }
}
