package io.conflux.aws;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.conflux.crypto.RoundKeys;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import java.security.GeneralSecurityException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Round keys wrapped by KMS, as in AWS. Runs with -Plocalstack (LocalStack has KMS); the loopback
 * stand-ins have no KMS, so on them it is skipped, saying so.
 */
@ExtendWith(SharedStandIns.class)
class KmsKeyProtectorTest {

    @Test
    void wrappedKey_opensForItsRoundOnly(LocalAws aws) throws Exception {
        assumeTrue(aws.target().kmsEndpoint() != null, "no KMS on the loopback stand-ins: run with -Plocalstack");
        Env env = new Env(aws.env()).with(Map.of(Settings.ENDPOINT_KMS, aws.target().kmsEndpoint().toString()));
        try (AwsClients clients = new AwsClients(env)) {
            String keyId = clients.kms().createKey(r -> r.description("conflux test")).keyMetadata().keyId();
            KmsKeyProtector protector = new KmsKeyProtector(clients::kms, keyId);
            byte[] secret = RoundKeys.generate().privateKey();
            byte[] wrapped = protector.protect(secret, "round-a");
            assertArrayEquals(secret, protector.unprotect(wrapped, "round-a"));
            assertThrows(GeneralSecurityException.class, () -> protector.unprotect(wrapped, "round-b"));
        }
    }
}
