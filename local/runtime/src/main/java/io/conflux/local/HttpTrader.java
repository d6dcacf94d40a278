package io.conflux.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.update.ModelUpdate;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UploadUrlSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A trader speaking to the API over HTTP exactly as a remote client does: sign in with the wallet,
 * read the round, seal the update for it, PUT it to the presigned URL, poll the verdict. Used by the
 * demo walk-through; the full trader's client (training, wallet files) builds on the same calls.
 */
final class HttpTrader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI api;
    private final Wallet wallet;
    private String token;

    HttpTrader(URI api, Wallet wallet) {
        this.api = api;
        this.wallet = wallet;
    }

    Wallet wallet() {
        return wallet;
    }

    void signIn() throws IOException {
        JsonNode c = call("POST", "/auth/nonce", null);
        SignInService.SignedLogin login = new SignInService.Challenge(c.get("nonce").asText(), Instant.parse(c.get("issuedAt").asText()),
                Instant.parse(c.get("expiresAt").asText()), c.get("domain").asText(), c.get("uri").asText(), c.get("chainId").asLong()).signWith(wallet);
        token = call("POST", "/auth/login", Map.of("message", login.message(), "signature", login.signature())).get("token").asText();
    }

    JsonNode round(String roundId) throws IOException {
        return call("GET", "/rounds/" + roundId, null);
    }

    /** Seals the update for the round, uploads it, and returns the upload id. */
    String upload(ModelUpdate update) throws IOException {
        JsonNode round = round(update.roundId());
        byte[] sealed = UpdateEnvelope.seal(update, wallet, Base64.getDecoder().decode(round.get("publicKey").asText()));
        return uploadBytes(update.roundId(), sealed);
    }

    /** Uploads bytes as they are (the demo also shows what happens to a damaged upload). */
    String uploadBytes(String roundId, byte[] bytes) throws IOException {
        JsonNode ticket = call("POST", "/rounds/" + roundId + "/uploads", Map.of("contentLength", bytes.length));
        Map<String, String> headers = new java.util.HashMap<>();
        ticket.get("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        var put = new UploadUrlSigner.PresignedPut(URI.create(ticket.get("url").asText()), headers, Instant.parse(ticket.get("expiresAt").asText()));
        HttpResponse<String> r = send(put.request(bytes));
        if (r.statusCode() != 200) throw new IOException("the upload URL refused the update: HTTP " + r.statusCode() + " " + r.body());
        return ticket.get("uploadId").asText();
    }

    /** Waits for the ingest verdict. */
    JsonNode verdict(String roundId, String uploadId, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode s = call("GET", "/rounds/" + roundId + "/uploads/" + uploadId, null);
            if (!"ISSUED".equals(s.get("status").asText()) || System.nanoTime() > deadline) return s;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /** An API call; an answer other than 2xx throws with the API's error code and message. */
    JsonNode call(String method, String path, Object body) throws IOException {
        Answer a = answer(method, path, body);
        if (a.status() >= 300) {
            throw new IOException(method + " " + path + " -> HTTP " + a.status() + " " + a.json().path("error").asText() + ": " + a.json().path("message").asText());
        }
        return a.json();
    }

    record Answer(int status, JsonNode json) {}

    /** An API call, answered whatever its status. */
    Answer answer(String method, String path, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).header("accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) b.header("content-type", "application/json");
        if (token != null) b.header("authorization", "Bearer " + token);
        HttpResponse<String> r = send(b.build());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** GET of a presigned URL (a model download): the bytes, or an exception with the status. */
    byte[] download(String url) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IOException("GET " + url + " -> HTTP " + r.statusCode() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
