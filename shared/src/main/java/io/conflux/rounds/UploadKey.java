package io.conflux.rounds;

import io.conflux.identity.Signatures;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where an update lives in the updates bucket: {@code rounds/{round}/updates/{trader}/{uploadId}}. */
public record UploadKey(String roundId, String trader, String uploadId) {
    private static final Pattern KEY = Pattern.compile("rounds/([a-z0-9][a-z0-9-]{2,63})/updates/(0x[0-9a-f]{40})/([0-9a-f]{32})");

    public UploadKey {
        Round.requireValidId(roundId);
        trader = Signatures.normalize(trader);
        if (!uploadId.matches("[0-9a-f]{32}")) throw new IllegalArgumentException("an upload id is 32 lower-case hex digits");
    }

    public static UploadKey fresh(String roundId, String trader) {
        return new UploadKey(roundId, trader, UUID.randomUUID().toString().replace("-", ""));
    }

    /** @throws IllegalArgumentException if the key is not of the upload form */
    public static UploadKey parse(String key) {
        Matcher m = KEY.matcher(key == null ? "" : key);
        if (!m.matches()) throw new IllegalArgumentException("'" + key + "' is not rounds/{round}/updates/{0x-trader}/{uploadId}");
        return new UploadKey(m.group(1), m.group(2), m.group(3));
    }

    public static String roundPrefix(String roundId) {
        return "rounds/" + roundId + "/updates/";
    }

    public String key() {
        return roundPrefix(roundId) + trader + "/" + uploadId;
    }

    @Override
    public String toString() {
        return key();
    }
}
