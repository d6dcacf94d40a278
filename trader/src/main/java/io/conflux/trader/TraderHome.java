package io.conflux.trader;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the client keeps on the trader's machine, all in one folder readable only by its owner:
 * <pre>
 *   wallet.json                 the wallet key, encrypted with the passphrase (Ethereum keystore v3)
 *   session.json                the API address and the session token from `login`
 *   updates/ROUND.safetensors   the update `train` made for a round (not yet sealed; never sent as is)
 *   uploads.json                every upload made, to follow its verdict with `status`
 *   privacy.json                every DP release, for the accountant's running total
 * </pre>
 * Files are replaced atomically, so an interrupted write never leaves half a file.
 */
public final class TraderHome {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Session(String api, String token, String address, String expiresAt) {}

    public record UploadEntry(String roundId, String uploadId, String at, int bytes) {}

    public record PrivacyEntry(String roundId, double clip, double noiseMultiplier, String at) {}

    private final Path dir;

    public TraderHome(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path walletFile() {
        return dir.resolve("wallet.json");
    }

    public Path updateFile(String roundId) {
        return dir.resolve("updates").resolve(roundId + ".safetensors");
    }

    public Session session() throws IOException {
        Path f = dir.resolve("session.json");
        return Files.exists(f) ? JSON.readValue(f.toFile(), Session.class) : null;
    }

    public void saveSession(Session s) throws IOException {
        write(dir.resolve("session.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
    }

    public List<UploadEntry> uploads() throws IOException {
        return list("uploads.json", new TypeReference<>() {});
    }

    public void addUpload(UploadEntry e) throws IOException {
        List<UploadEntry> all = new ArrayList<>(uploads());
        all.add(e);
        write(dir.resolve("uploads.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }

    public List<PrivacyEntry> privacy() throws IOException {
        return list("privacy.json", new TypeReference<>() {});
    }

    /** Records a DP release once per round: training again for the same round replaces that round's entry. */
    public void recordPrivacy(PrivacyEntry e) throws IOException {
        List<PrivacyEntry> all = new ArrayList<>(privacy());
        all.removeIf(p -> p.roundId().equals(e.roundId()));
        all.add(e);
        write(dir.resolve("privacy.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
    }

    public void forgetPrivacy(String roundId) throws IOException {
        List<PrivacyEntry> all = new ArrayList<>(privacy());
        if (all.removeIf(p -> p.roundId().equals(roundId))) {
            write(dir.resolve("privacy.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        }
    }

    /** Writes {@code bytes} to {@code file} (owner-only) through a temporary file and an atomic move. */
    public void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        restrict(dir);
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            restrict(tmp);
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String now() {
        return Instant.now().toString();
    }

    private <T> List<T> list(String name, TypeReference<List<T>> type) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? JSON.readValue(f.toFile(), type) : List.of();
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: the folder's own permissions are all there is
        }
    }
}
