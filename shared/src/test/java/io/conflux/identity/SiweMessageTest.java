package io.conflux.identity;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiweMessageTest {
    /** The example message of EIP-4361 itself. */
    private static final String EIP_EXAMPLE = """
            service.invalid wants you to sign in with your Ethereum account:
            0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

            I accept the ServiceOrg Terms of Service: https://service.invalid/tos

            URI: https://service.invalid/login
            Version: 1
            Chain ID: 1
            Nonce: 32891756
            Issued At: 2021-09-30T16:25:24Z
            Resources:
            - ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/
            - https://example.com/my-web2-claim.json""";

    @Test
    void parse_readsTheEipExample() throws Exception {
        SiweMessage m = SiweMessage.parse(EIP_EXAMPLE);
        assertEquals("service.invalid", m.domain());
        assertEquals("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", m.address());
        assertEquals("I accept the ServiceOrg Terms of Service: https://service.invalid/tos", m.statement());
        assertEquals("https://service.invalid/login", m.uri());
        assertEquals(1, m.chainId());
        assertEquals("32891756", m.nonce());
        assertEquals(Instant.parse("2021-09-30T16:25:24Z"), m.issuedAt());
        assertEquals(List.of("ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/", "https://example.com/my-web2-claim.json"), m.resources());
        assertEquals(EIP_EXAMPLE, m.format(), "formatting the parsed message gives back the same text");
    }

    @Test
    void formatThenParse_roundTrips_withAndWithoutStatement() throws Exception {
        for (String statement : new String[] {"Sign in to Conflux.", null}) {
            SiweMessage m = SiweMessage.of("127.0.0.1:8080", Wallet.create().checksumAddress(), statement, "http://127.0.0.1:8080",
                    31337, "abcdEFGH1234", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:10:00Z"));
            assertEquals(m, SiweMessage.parse(m.format()));
        }
    }

    @Test
    void parse_rejectsWhatTheGrammarDoesNot() {
        String good = SiweMessage.of("conflux.test", Wallet.create().checksumAddress(), null, "https://conflux.test", 1,
                "abcdEFGH1234", Instant.parse("2026-01-01T00:00:00Z"), null).format();
        String[] bad = {
            good.replace(" wants you to sign in", " would like you to sign in"),
            good.replace("Nonce: abcdEFGH1234", "Nonce: short"),
            good.replace("Chain ID: 1", "Chain ID: one"),
            good.replace("Issued At: 2026-01-01T00:00:00Z", "Issued At: yesterday"),
            good + "\nSomething: else",
            good.substring(0, good.indexOf("URI:")),
        };
        for (String b : bad) {
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> SiweMessage.parse(b), b);
            assertEquals(AuthenticationException.Reason.MALFORMED_MESSAGE, e.reason());
        }
    }
}
