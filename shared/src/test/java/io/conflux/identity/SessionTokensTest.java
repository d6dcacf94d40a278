package io.conflux.identity;

import static io.conflux.identity.AuthenticationException.Reason.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private SessionTokens at(Instant t) {
        return new SessionTokens(SECRET, "conflux", Duration.ofMinutes(60), Clock.fixed(t, ZoneOffset.UTC));
    }

    @Test
    void issuedToken_verifies_andIsAStandardHs256Jwt() throws Exception {
        var issued = at(NOW).issue("0xabc", EnumSet.of(Session.Role.TRADER, Session.Role.OPERATOR));
        Session s = at(NOW.plusSeconds(60)).verify(issued.token());
        assertEquals("0xabc", s.address());
        assertEquals(Set.of(Session.Role.TRADER, Session.Role.OPERATOR), s.roles());
        // the signature is HMAC-SHA256 over header.payload, computed here independently
        String[] p = issued.token().split("\\.");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(expected, p[2]);
        assertTrue(new String(Base64.getUrlDecoder().decode(p[1])).contains("\"sub\":\"0xabc\""));
    }

    @Test
    void verify_rejectsExpiredTamperedForeignAndAlgNoneTokens() {
        String token = at(NOW).issue("0xabc", EnumSet.of(Session.Role.TRADER)).token();
        assertReason(TOKEN_EXPIRED, at(NOW.plus(Duration.ofMinutes(61))), token);
        String[] p = token.split("\\.");
        String elevated = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1])).replace("\"TRADER\"", "\"OPERATOR\"").getBytes());
        assertReason(TOKEN_BAD_SIGNATURE, at(NOW), p[0] + "." + elevated + "." + p[2]);
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        assertReason(TOKEN_MALFORMED, at(NOW), none + "." + p[1] + ".");
        var other = new SessionTokens("another-secret-another-secret-xx".getBytes(), "conflux", Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
        assertReason(TOKEN_BAD_SIGNATURE, other, token);
        assertReason(TOKEN_MISSING, at(NOW), null);
        assertReason(TOKEN_MALFORMED, at(NOW), "not-a-token");
    }

    private static void assertReason(AuthenticationException.Reason reason, SessionTokens tokens, String token) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> tokens.verify(token));
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
