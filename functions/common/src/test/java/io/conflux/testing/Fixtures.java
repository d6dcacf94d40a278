package io.conflux.testing;

import io.conflux.aws.Env;
import io.conflux.aws.Platform;
import io.conflux.aws.Settings;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import io.conflux.identity.SignInService;
import io.conflux.identity.Wallet;
import io.conflux.standins.LocalAws;
import io.conflux.update.UploadUrlSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A platform on the shared stand-ins, and what a trader does with it, for the functions' tests. */
public final class Fixtures {
    public static final String DOMAIN = "conflux.test";
    public static final long CHAIN_ID = 31337;
    /** Hardhat's well-known account #1: the operator in tests (never a real key). */
    public static final Wallet OPERATOR = Wallet.fromPrivateKeyHex("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final Path KEY_FILE;
    /** Signs aggregation receipts in tests (a well-known Hardhat development key, never a real one). */
    public static final Wallet PLATFORM = Wallet.fromPrivateKeyHex("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    private static final String TOKEN_SECRET = Base64.getEncoder().encodeToString("conflux-tests-token-secret-32-bytes!".getBytes());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static {
        try {
            KEY_FILE = Files.createTempDirectory("conflux-test-keys").resolve("round-keys.key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fixtures() {}

    /** The functions' environment on the stand-ins: resources plus sign-in, token and key settings. */
    public static Env env(LocalAws aws) {
        Map<String, String> m = new HashMap<>(aws.env());
        m.put(Settings.SIWE_DOMAIN, DOMAIN);
        m.put(Settings.SIWE_URI, "https://" + DOMAIN);
        m.put(Settings.CHAIN_ID, Long.toString(CHAIN_ID));
        m.put(Settings.TOKEN_SECRET, TOKEN_SECRET);
        m.put(Settings.OPERATORS, OPERATOR.address());
        m.put(Settings.ROUND_KEY_PROTECTION, "file:" + KEY_FILE);
        m.put(Settings.PLATFORM_KEY, PLATFORM.privateKeyHex());
        return new Env(m);
    }

    public static Platform platform(LocalAws aws) {
        return new Platform(env(aws), Clock.systemUTC());
    }

    public static Session signIn(Platform p, Wallet w) {
        try {
            SignInService.SignedLogin login = p.signIn().challenge().signWith(w);
            return p.signIn().signIn(login.message(), login.signature()).session();
        } catch (AuthenticationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Everything the platform holds on the stand-ins: every table's items and every bucket's keys with their ETags,
     * in a stable order. Two equal states mean nothing was written in between (what priming must guarantee).
     */
    public static Map<String, java.util.List<String>> state(LocalAws aws) {
        Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        for (var t : io.conflux.resources.ConfluxResources.tables()) {
            java.util.List<String> items = new java.util.ArrayList<>();
            aws.dynamo().scanPaginator(r -> r.tableName(aws.get(t.envVar()))).items().forEach(i -> items.add(new java.util.TreeMap<>(i).toString()));
            java.util.Collections.sort(items);
            out.put("table " + t.logicalName(), items);
        }
        for (var b : io.conflux.resources.ConfluxResources.buckets()) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            aws.s3().listObjectsV2Paginator(r -> r.bucket(aws.get(b.envVar()))).contents().forEach(o -> keys.add(o.key() + " " + o.eTag()));
            java.util.Collections.sort(keys);
            out.put("bucket " + b.logicalName(), keys);
        }
        return out;
    }

    /** PUTs bytes to a presigned URL with the headers it was signed with, as a trader's client would. */
    public static HttpResponse<String> put(UploadUrlSigner.PresignedPut put, byte[] body) {
        try {
            return HTTP.send(put.request(body), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
