package io.conflux.federation;

import io.conflux.identity.Signatures;
import io.conflux.identity.Wallet;
import io.conflux.platform.Json;
import io.conflux.update.UpdateEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aggregation receipt: what went into a published model (every accepted update with its trader,
 * content hash, weight and whether it was clipped; the rule; the base and resulting model hashes; the
 * metrics), signed by the platform key so that anyone can check it.
 *
 * <p>Signed form: {@code {"receipt": {...}, "sha256": hex, "signer": address, "signature": hex}} where
 * sha256 is over the compact JSON text of the receipt object as written (keys in order) and the
 * signature is EIP-191 personal_sign over those 32 bytes, so any Ethereum tool recovers the signer.
 */
public final class Receipt {
    public static final String FORMAT = "conflux-aggregation-receipt/1";

    private Receipt() {}

    public static String sign(Map<String, Object> receipt, Wallet platform) {
        String body = Json.write(receipt);
        byte[] digest = UpdateEnvelope.sha256(body.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> signed = new LinkedHashMap<>();
        signed.put("receipt", receipt);
        signed.put("sha256", HexFormat.of().formatHex(digest));
        signed.put("signer", platform.address());
        signed.put("signature", Signatures.toHex(platform.signPersonal(digest)));
        return Json.write(signed);
    }

    /**
     * Checks a signed receipt and returns its body.
     *
     * @param expectedSigner the platform's address, as published
     * @throws SignatureException if the receipt was changed, or not signed by {@code expectedSigner}
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> verify(String signedJson, String expectedSigner) throws SignatureException, IOException {
        Map<String, Object> signed = Json.object(signedJson);
        Map<String, Object> receipt = (Map<String, Object>) signed.get("receipt");
        if (receipt == null || !FORMAT.equals(receipt.get("format"))) throw new SignatureException("not a " + FORMAT);
        byte[] digest = UpdateEnvelope.sha256(Json.write(receipt).getBytes(StandardCharsets.UTF_8));
        if (!HexFormat.of().formatHex(digest).equals(signed.get("sha256"))) throw new SignatureException("the receipt does not match its hash");
        String signer = Signatures.recoverPersonal(digest, Signatures.fromHex((String) signed.get("signature")));
        if (!signer.equalsIgnoreCase(expectedSigner)) throw new SignatureException("signed by " + signer + ", not by " + expectedSigner);
        return receipt;
    }
}
