package io.conflux.identity;

import static io.conflux.identity.AuthenticationException.Reason.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived bearer tokens issued after sign-in: standard JWTs (RFC 7519) signed with HMAC-SHA256,
 * so any JWT tool can read them. Claims: iss, sub (the lower-case address), iat, exp, jti, roles.
 * Only HS256 is accepted; the header's alg is checked, never trusted.
 */
public final class SessionTokens {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;

    public SessionTokens(byte[] secret, String issuer, Duration ttl, Clock clock) {
        if (secret.length < 32) throw new IllegalArgumentException("the token secret must be at least 32 bytes");
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
    }

    public record Issued(String token, Session session) {}

    public Issued issue(String address, Set<Session.Role> roles) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        String jti = HexFormat.of().formatHex(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("iss", issuer);
            g.writeStringField("sub", address);
            g.writeNumberField("iat", now.getEpochSecond());
            g.writeNumberField("exp", exp.getEpochSecond());
            g.writeStringField("jti", jti);
            g.writeArrayFieldStart("roles");
            for (Session.Role r : roles) g.writeString(r.name());
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String signingInput = HEADER + "." + B64.encodeToString(out.toByteArray());
        String token = signingInput + "." + B64.encodeToString(mac(signingInput));
        return new Issued(token, new Session(address, roles, Instant.ofEpochSecond(exp.getEpochSecond()), jti));
    }

    public Session verify(String token) throws AuthenticationException {
        if (token == null || token.isBlank()) throw new AuthenticationException(TOKEN_MISSING, "no bearer token; sign in first");
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) throw new AuthenticationException(TOKEN_MALFORMED, "a token has three dot-separated parts");
        if (!parts[0].equals(HEADER)) throw new AuthenticationException(TOKEN_MALFORMED, "only HS256 tokens issued by Conflux are accepted");
        byte[] sig;
        try {
            sig = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException(TOKEN_MALFORMED, "token signature is not base64url");
        }
        if (!MessageDigest.isEqual(sig, mac(parts[0] + "." + parts[1]))) {
            throw new AuthenticationException(TOKEN_BAD_SIGNATURE, "token signature does not verify");
        }
        String iss = null, sub = null, jti = null;
        long exp = -1;
        Set<Session.Role> roles = EnumSet.noneOf(Session.Role.class);
        try (JsonParser p = JSON.createParser(B64D.decode(parts[1]))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("claims are not an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "iss" -> iss = p.getText();
                    case "sub" -> sub = p.getText();
                    case "jti" -> jti = p.getText();
                    case "exp" -> exp = p.getLongValue();
                    case "roles" -> {
                        if (t != JsonToken.START_ARRAY) throw new IOException("roles is not an array");
                        while (p.nextToken() == JsonToken.VALUE_STRING) roles.add(Session.Role.valueOf(p.getText()));
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new AuthenticationException(TOKEN_MALFORMED, "token claims are unreadable");
        }
        if (!issuer.equals(iss) || sub == null || exp < 0) throw new AuthenticationException(TOKEN_MALFORMED, "token lacks iss, sub or exp");
        Instant expiresAt = Instant.ofEpochSecond(exp);
        if (!clock.instant().isBefore(expiresAt)) throw new AuthenticationException(TOKEN_EXPIRED, "token expired at " + expiresAt + "; sign in again");
        return new Session(sub, roles, expiresAt, jti);
    }

    private byte[] mac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
