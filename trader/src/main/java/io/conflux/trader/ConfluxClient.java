package io.conflux.trader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.rounds.Round;
import io.conflux.update.ModelUpdate;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadUrlSigner;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;

/**
 * The platform's HTTP API as a trader (or operator) calls it: sign in with the wallet (EIP-4361), read
 * rounds and models, ask for an upload URL, PUT the sealed update to it, and read the verdict.
 *
 * <p>Transient failures are retried with capped, jittered exponential backoff: a connection that could not
 * be made (nothing was sent), and answers 429, 502, 503 and 504 (the service says: try again). Idempotent
 * requests (GET, and the PUT of an upload, which writes the same bytes to the same key) are also retried
 * when a connection breaks mid-request. Anything else fails at once with the API's error code and message.
 */
public final class ConfluxClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> RETRY_STATUS = Set.of(429, 502, 503, 504);

    /** How often and how patiently to retry a transient failure. */
    public record Retry(int attempts, Duration firstDelay, Duration maxDelay) {
        public static final Retry DEFAULT = new Retry(5, Duration.ofMillis(250), Duration.ofSeconds(4));

        public Retry {
            if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
        }

        Duration delay(int attempt) {
            long base = Math.min(maxDelay.toMillis(), firstDelay.toMillis() << Math.min(20, attempt - 1));
            return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
        }
    }

    /** The API answered with an error: HTTP status, its error code (e.g. {@code ROUND_NOT_OPEN}) and message. */
    public static final class ApiException extends IOException {
        private final int status;
        private final String code;

        ApiException(String request, int status, String code, String message) {
            super(request + " -> HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message));
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final HttpClient http;
    private final URI api;
    private final Retry retry;
    private String token;

    public ConfluxClient(URI api) {
        this(api, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build(), Retry.DEFAULT);
    }

    public ConfluxClient(URI api, HttpClient http, Retry retry) {
        this.api = api;
        this.http = http;
        this.retry = retry;
    }

    public URI api() {
        return api;
    }

    /** A session token from an earlier sign-in (the command line keeps it between runs). */
    public ConfluxClient withToken(String token) {
        this.token = token;
        return this;
    }

    public String token() {
        return token;
    }

    /** Signs in: asks for a challenge, signs the EIP-4361 message with the wallet, keeps the session token. */
    public JsonNode signIn(Wallet wallet) throws IOException {
        JsonNode c = call("POST", "/auth/nonce", null);
        SignInService.SignedLogin login = new SignInService.Challenge(c.get("nonce").asText(), Instant.parse(c.get("issuedAt").asText()),
                Instant.parse(c.get("expiresAt").asText()), c.get("domain").asText(), c.get("uri").asText(), c.get("chainId").asLong()).signWith(wallet);
        JsonNode session = call("POST", "/auth/login", Map.of("message", login.message(), "signature", login.signature()));
        token = session.get("token").asText();
        return session;
    }

    public JsonNode round(String roundId) throws IOException {
        return call("GET", "/rounds/" + roundId, null);
    }

    /** A presigned PUT for an update of exactly {@code bytes} bytes: URL, headers to send, upload id. */
    public record Ticket(String roundId, String uploadId, UploadUrlSigner.PresignedPut put) {}

    public Ticket ticket(String roundId, long bytes) throws IOException {
        JsonNode t = call("POST", "/rounds/" + roundId + "/uploads", Map.of("contentLength", bytes));
        Map<String, String> headers = new LinkedHashMap<>();
        t.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        return new Ticket(roundId, t.get("uploadId").asText(),
                new UploadUrlSigner.PresignedPut(URI.create(t.get("url").asText()), headers, Instant.parse(t.get("expiresAt").asText())));
    }

    /** Seals the update for its round (HPKE to the round's key, signed by the wallet), uploads it, returns the upload id. */
    public String upload(ModelUpdate update, Wallet wallet) throws IOException {
        JsonNode round = round(update.roundId());
        byte[] sealed = UpdateEnvelope.seal(update, wallet, Base64.getDecoder().decode(round.get("publicKey").asText()));
        return put(ticket(update.roundId(), sealed.length), sealed, null);
    }

    /** The parameters a round starts from: genesis is rebuilt here; a published model is downloaded and its hash checked. */
    public ModelParameters baseModel(String hash, ModelTemplate template) throws IOException {
        if (Round.GENESIS.equals(hash)) return ModelParameters.genesis(template);
        for (JsonNode m : call("GET", "/models?templateId=" + template.id(), null)) {
            if (!hash.equals(m.get("parametersHash").asText())) continue;
            JsonNode full = call("GET", "/models/" + m.get("version").asLong() + "?templateId=" + template.id(), null);
            ModelParameters p = ModelParameters.fromSafeTensors(download(URI.create(full.at("/parameters/url").asText())));
            if (!p.hash().equals(hash)) throw new IOException("the downloaded base model hashes to " + p.hash() + ", not the round's " + hash);
            return p;
        }
        throw new IOException("the round's base model " + hash + " is not among the published models");
    }

    /** PUTs the bytes to the ticket's URL, retrying transient failures; {@code progress} (may be null) hears bytes sent. */
    public String put(Ticket ticket, byte[] bytes, LongConsumer progress) throws IOException {
        HttpRequest put = ticket.put().request(progress == null ? HttpRequest.BodyPublishers.ofByteArray(bytes) : counting(bytes, progress));
        HttpResponse<byte[]> r = send(put, true);
        if (r.statusCode() != 200) {
            throw new ApiException("PUT " + ticket.put().url().getPath(), r.statusCode(), "UPLOAD_REFUSED", new String(r.body(), StandardCharsets.UTF_8));
        }
        return ticket.uploadId();
    }

    public JsonNode uploadStatus(String roundId, String uploadId) throws IOException {
        return call("GET", "/rounds/" + roundId + "/uploads/" + uploadId, null);
    }

    /** Polls the upload until ingest has decided (ACCEPTED or REJECTED) or the timeout passes; returns the last status. */
    public JsonNode verdict(String roundId, String uploadId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 100;
        while (true) {
            JsonNode s = uploadStatus(roundId, uploadId);
            if (!"ISSUED".equals(s.get("status").asText()) || System.nanoTime() > deadline) return s;
            sleep(Duration.ofMillis(pause));
            pause = Math.min(1000, pause * 2);
        }
    }

    /** An API call; an answer other than 2xx throws {@link ApiException} with the API's error code and message. */
    public JsonNode call(String method, String path, Object body) throws IOException {
        Answer a = answer(method, path, body);
        if (a.status() >= 300) throw new ApiException(method + " " + path, a.status(), a.json().path("error").asText(""), a.json().path("message").asText(""));
        return a.json();
    }

    public record Answer(int status, JsonNode json) {}

    /** An API call, answered whatever its status (transient failures are still retried). */
    public Answer answer(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30)).header("accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) b.header("content-type", "application/json");
        if (token != null) b.header("authorization", "Bearer " + token);
        HttpResponse<byte[]> r = send(b.build(), method.equals("GET"));
        JsonNode json;
        try {
            json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException(method + " " + path + " -> HTTP " + r.statusCode() + " with a body that is not JSON (is " + api + " a Conflux API?)");
        }
        return new Answer(r.statusCode(), json);
    }

    /** GET of a presigned URL (a model download), retried like any idempotent request. */
    public byte[] download(URI url) throws IOException {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(2)).GET().build(), true);
        if (r.statusCode() != 200) throw new ApiException("GET " + url.getPath(), r.statusCode(), "DOWNLOAD_FAILED", new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }

    private HttpResponse<byte[]> send(HttpRequest request, boolean idempotent) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (!RETRY_STATUS.contains(r.statusCode()) || attempt >= retry.attempts()) return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IOException e) {
                boolean notSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
                if (!(notSent || idempotent) || attempt >= retry.attempts()) {
                    throw new IOException(request.method() + " " + request.uri().getScheme() + "://" + request.uri().getAuthority() + request.uri().getPath()
                            + " failed after " + attempt + " attempt" + (attempt == 1 ? "" : "s") + ": " + describe(e), e);
                }
            }
            sleep(retry.delay(attempt));
        }
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) return "cannot connect (is the API address right, and is the service up?)";
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    private static HttpRequest.BodyPublisher counting(byte[] bytes, LongConsumer progress) {
        int chunk = 16 * 1024;
        java.util.List<byte[]> parts = new java.util.ArrayList<>();
        for (int from = 0; from < bytes.length; from += chunk) parts.add(java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk)));
        long[] sent = {0};
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(() -> parts.stream().map(p -> {
            sent[0] += p.length;
            progress.accept(sent[0]);
            return p;
        }).iterator()), bytes.length);
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
