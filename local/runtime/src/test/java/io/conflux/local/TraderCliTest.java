package io.conflux.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.aws.Settings;
import io.conflux.features.Candles;
import io.conflux.features.FeatureMatrix;
import io.conflux.features.FeatureSet;
import io.conflux.model.ModelTemplate;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.trader.ConfluxClient;
import io.conflux.trader.ConfluxTrader;
import io.conflux.trader.TrainingJob;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trader's command line against the local runtime, end to end: wallet, login, rounds, train on real
 * candles, upload, verdict, status, payouts; the single jar trains too. Every byte the client sends, to the
 * API and to S3, passes through recording relays, and none of it is a candle value or a feature row: what
 * reaches S3 is the sealed envelope, what reaches the API is sign-in and upload bookkeeping.
 */
@ExtendWith(SharedStandIns.class)
class TraderCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant VALIDATION_FROM = Instant.parse("2021-09-01T00:00:00Z");
    private static LocalRuntime rt;
    private static RecordingRelay apiRelay;
    private static RecordingRelay s3Relay;
    private static ConfluxClient operator;

    @BeforeAll
    static void start(LocalAws shared, @TempDir Path dir) throws Exception {
        s3Relay = new RecordingRelay(shared.target().s3Endpoint());
        // presigned URLs point at the relay; s3proxy checks their signatures against the Host they arrive with
        rt = LocalRuntime.on(shared.target(), "cli", dir, Map.of(Settings.PUBLIC_ENDPOINT_S3, s3Relay.uri().toString()));
        apiRelay = new RecordingRelay(rt.apiUrl());
        operator = new ConfluxClient(rt.apiUrl());
        operator.signIn(rt.operator());
    }

    @AfterAll
    static void stop() throws Exception {
        if (rt != null) rt.close();
        if (apiRelay != null) apiRelay.close();
        if (s3Relay != null) s3Relay.close();
    }

    record Run(int exit, String out, String err) {}

    private static Run cli(Path home, Path passphrase, String... args) {
        ConfluxTrader root = new ConfluxTrader();
        StringWriter out = new StringWriter(), err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--passphrase-file", passphrase.toString()));
        all.addAll(List.of(args));
        int exit = ConfluxTrader.commandLine(root, false, Map.of()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aTraderTrainsOnTheirCandles_uploadsOnlyTheSealedEnvelope_andSeesVerdictAndPayout(@TempDir Path tmp) throws Exception {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("minUpdates", 1);
        policy.put("maxUpdates", 1);
        policy.put("rule", "fedavg");
        policy.put("validationFrom", VALIDATION_FROM.toString());
        policy.put("validationTo", "2021-09-15T00:00:00Z");
        policy.put("scoreBudget", 10);
        policy.put("dpClip", 0.05); // the round requires differential privacy: the client applies it
        policy.put("dpNoiseMultiplier", 1.0);
        JsonNode opened = operator.call("POST", "/rounds", Map.of("durationSeconds", 600, "policy", policy));
        String roundId = opened.get("roundId").asText();

        Path home = tmp.resolve("home");
        Path pass = Files.writeString(tmp.resolve("pass"), "a long passphrase\n");
        Path candles = tmp.resolve("btc.csv");
        List<String> lines = candleLines("2021-05-20", "2021-09-10"); // runs past the validation start: the client must cut it
        Files.write(candles, lines);

        // wallet: created encrypted, never printed; a second `new` does not overwrite it
        Run w = cli(home, pass, "wallet", "new", "--kdf-cost", "4096");
        assertEquals(0, w.exit(), w.err());
        String address = cli(home, pass, "wallet", "show").out().strip();
        assertTrue(w.out().contains(address), w.out());
        assertEquals(1, cli(home, pass, "wallet", "new").exit());
        String keystore = Files.readString(home.resolve("wallet.json"));
        assertTrue(keystore.contains("\"kdf\" : \"scrypt\""), keystore);

        // not signed in yet: the error says what to do
        Run early = cli(home, pass, "rounds");
        assertEquals(1, early.exit());
        assertTrue(early.err().contains("not signed in: run `conflux-trader login"), early.err());

        Run login = cli(home, pass, "login", "--api", apiRelay.uri().toString());
        assertEquals(0, login.exit(), login.err());
        Run rounds = cli(home, pass, "rounds");
        assertTrue(rounds.out().contains(roundId) && rounds.out().contains("yes"), rounds.out());

        // a malformed file names its line and why
        List<String> broken = new ArrayList<>(lines.subList(0, 10));
        broken.set(4, broken.get(4).replaceFirst(",[^,]+,", ",abc,"));
        Path bad = Files.write(tmp.resolve("bad.csv"), broken);
        Run malformed = cli(home, pass, "train", "--candles", bad.toString());
        assertEquals(1, malformed.exit());
        assertTrue(malformed.err().contains("line 5"), malformed.err());

        Run train = cli(home, pass, "train", "--candles", candles.toString(), "--epochs", "2", "--seed", "3");
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.err().contains("epoch  2/2"), "one progress line per epoch with loss and accuracy: " + train.err());
        assertTrue(train.out().contains("data ends 2021-08-31T23:00:00Z"), train.out());
        assertTrue(train.out().contains("privacy   required by the round: clip 0.05, noise 1.0 x clip"), train.out());
        Run weaker = cli(home, pass, "train", "--candles", candles.toString(), "--dp-clip", "0.05", "--dp-noise", "0.5");
        assertEquals(1, weaker.exit());
        assertTrue(weaker.err().contains("requires differential privacy with clip 0.05 and a noise multiplier of at least 1.0"), weaker.err());

        // the single jar trains too (PyTorch's native library from inside the jar), on the same home
        Path jar = Path.of(System.getProperty("user.dir")).resolve("../../trader/target/conflux-trader.jar").normalize();
        assertTrue(Files.exists(jar), "the build makes the single jar before this module's tests: " + jar);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "--home", home.toString(),
                "--passphrase-file", pass.toString(), "train", "--candles", candles.toString(), "--epochs", "1", "--dp-clip", "0.05", "--dp-noise", "1",
                "--dp-seed", "5").redirectErrorStream(true).start();
        String jarOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), jarOut);
        assertTrue(jarOut.contains("privacy   required by the round: clip 0.05, noise 1.0 x clip") && jarOut.contains("epsilon"), jarOut);

        Run upload = cli(home, pass, "upload");
        assertEquals(0, upload.exit(), upload.out() + upload.err());
        assertTrue(upload.out().contains("verdict   ACCEPTED"), upload.out());
        Run status = cli(home, pass, "status");
        assertTrue(status.out().contains(roundId) && status.out().contains("ACCEPTED"), status.out());

        // the round closes on its one update and publishes; the trader's payout share is the API's
        LocalStepFunctions.Execution run = rt.stepFunctions().await(opened.get("workflowExecution").asText(), Duration.ofMinutes(3));
        assertTrue(run.succeeded(), run.error() + ": " + run.cause());
        JsonNode scores = operator.call("GET", "/rounds/" + roundId + "/scores", null).get("scores");
        assertEquals(1, scores.size());
        assertEquals(address.toLowerCase(), scores.get(0).get("trader").asText());
        Run payouts = cli(home, pass, "payouts");
        assertTrue(payouts.out().contains(roundId) && payouts.out().contains(String.format("%,d", scores.get(0).get("payoutPpm").asLong())), payouts.out());
        assertTrue(payouts.out().contains("settlement is not configured on this platform"), "the local runtime has no vault yet: " + payouts.out());

        // a second upload to the closed round is refused with what to do
        Run late = cli(home, pass, "upload", "--round", roundId);
        assertEquals(1, late.exit());
        assertTrue(late.err().contains("does not take updates any more"), late.err());

        assertNothingButTheEnvelopeLeft(candles, lines, home, roundId);
    }

    private void assertNothingButTheEnvelopeLeft(Path candleFile, List<String> lines, Path home, String roundId) throws Exception {
        byte[] toApi = apiRelay.sent(), toS3 = s3Relay.sent();
        byte[] all = concat(toApi, toS3);
        assertTrue(toApi.length > 0 && toS3.length > 0);

        // 1. no number of the candle file, as it is written there
        Set<String> tokens = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            for (int i = 1; i < f.length; i++) if (f[i].length() >= 6) tokens.add(f[i]);
        }
        String wire = new String(all, StandardCharsets.ISO_8859_1);
        assertTrue(new String(Files.readAllBytes(candleFile), StandardCharsets.ISO_8859_1).contains(tokens.iterator().next()), "control: the search finds tokens");
        for (String t : tokens) assertFalse(wire.contains(t), "candle value " + t + " went out");

        // 2. no candle value or feature (raw or as trained on) in binary: 8-byte patterns, both byte orders
        Candles c = Candles.readCsv(candleFile);
        FeatureMatrix raw = FeatureSet.standard().compute(c);
        TrainingJob.Prepared prepared = TrainingJob.prepare(c, new TrainingJob.RoundSpec(roundId, ModelTemplate.standard(), VALIDATION_FROM, 10), 0.15, null);
        Set<Long> patterns = new HashSet<>();
        for (int i = 0; i < c.size(); i++) {
            var k = c.get(i);
            for (double v : new double[] {k.open(), k.high(), k.low(), k.close(), k.volume()}) addDouble(patterns, v);
        }
        for (int r = 0; r < raw.rows(); r++) {
            for (int col = 0; col < raw.columns(); col++) {
                addDouble(patterns, raw.get(r, col));
                if (col + 1 < raw.columns()) addFloats(patterns, (float) raw.get(r, col), (float) raw.get(r, col + 1));
            }
        }
        float[] trained = prepared.training().inputs();
        for (int i = 0; i + 1 < trained.length; i += 2) addFloats(patterns, trained[i], trained[i + 1]);
        ByteBuffer control = ByteBuffer.allocate(trained.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : trained) control.putFloat(f);
        assertTrue(count(control.array(), patterns) > 0, "control: the search finds a feature row where there is one");
        assertEquals(0, count(all, patterns), "a candle value or feature row went out");

        // 3. what S3 got: one PUT whose body is the sealed envelope (magic CFX1), and GETs of the base model's files at most
        List<Request> s3 = requests(toS3);
        List<Request> puts = s3.stream().filter(r -> r.line().startsWith("PUT ")).toList();
        assertEquals(1, puts.size(), s3.stream().map(Request::line).toList().toString());
        byte[] body = puts.get(0).body();
        assertEquals("CFX1", new String(body, 0, 4, StandardCharsets.US_ASCII));
        for (Request r : s3) if (!r.line().startsWith("PUT ")) assertEquals(0, r.body().length, r.line());

        // 4. what the API got: sign-in and upload bookkeeping, nothing else in any body
        Set<String> allowedFields = Set.of("message", "signature", "contentLength");
        for (Request r : requests(toApi)) {
            assertTrue(r.line().matches("(GET|POST) /(auth/nonce|auth/login|me|me/payouts|rounds|rounds/[^ ]+|models[^ ]*) HTTP/1.1"), r.line());
            if (r.body().length == 0) continue;
            JsonNode json = JSON.readTree(r.body());
            json.fieldNames().forEachRemaining(f -> assertTrue(allowedFields.contains(f), "field " + f + " in " + r.line()));
        }
        assertTrue(Files.readString(home.resolve("uploads.json")).contains(roundId));

        // 5. nor the wallet's key, in hex or in binary
        byte[] key = io.conflux.trader.Keystore.decrypt(Files.readString(home.resolve("wallet.json")), "a long passphrase".toCharArray()).privateKey();
        assertFalse(wire.contains(java.util.HexFormat.of().formatHex(key)));
        assertFalse(wire.contains(java.util.HexFormat.of().withUpperCase().formatHex(key)));
        assertFalse(wire.contains(new String(key, StandardCharsets.ISO_8859_1)));
    }

    record Request(String line, byte[] body) {}

    /** HTTP/1.1 requests, one after another, in a relay's byte stream (bodies by Content-Length; the client does not chunk). */
    private static List<Request> requests(byte[] stream) {
        List<Request> out = new ArrayList<>();
        String text = new String(stream, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < stream.length) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            assertTrue(headEnd > 0, "a request head at byte " + at);
            String[] head = text.substring(at, headEnd).split("\r\n");
            int length = 0;
            for (String h : head) if (h.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
            for (String h : head) assertFalse(h.toLowerCase().startsWith("transfer-encoding"), h);
            byte[] body = java.util.Arrays.copyOfRange(stream, headEnd + 4, headEnd + 4 + length);
            out.add(new Request(head[0], body));
            at = headEnd + 4 + length;
        }
        return out;
    }

    private static void addDouble(Set<Long> patterns, double v) {
        long bits = Double.doubleToLongBits(v);
        patterns.add(bits);
        patterns.add(Long.reverseBytes(bits));
    }

    private static void addFloats(Set<Long> patterns, float a, float b) {
        long le = (Float.floatToIntBits(a) & 0xffffffffL) | ((long) Float.floatToIntBits(b) << 32); // a then b, little-endian, read as a little-endian long
        patterns.add(le);
        long be = ((long) Integer.reverseBytes(Float.floatToIntBits(a)) & 0xffffffffL) | ((long) Integer.reverseBytes(Float.floatToIntBits(b)) << 32);
        patterns.add(be);
    }

    /** How many 8-byte windows of {@code bytes}, read as little-endian longs, are among the patterns. */
    private static int count(byte[] bytes, Set<Long> patterns) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int hits = 0;
        for (int i = 0; i + 8 <= bytes.length; i++) if (patterns.contains(b.getLong(i))) hits++;
        return hits;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The shipped BTC-USDT hourly candles between two dates, as the exchange wrote them (header first). */
    private static List<String> candleLines(String from, String to) throws Exception {
        List<String> out = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(TraderCliTest.class.getResourceAsStream("/market/btc-usdt-1h.csv"), StandardCharsets.UTF_8))) {
            out.add(in.readLine());
            for (String l; (l = in.readLine()) != null; ) if (l.compareTo(from) >= 0 && l.compareTo(to) < 0) out.add(l);
        }
        return out;
    }
}
