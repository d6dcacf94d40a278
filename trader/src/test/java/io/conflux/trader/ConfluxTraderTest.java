package io.conflux.trader;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.identity.Wallet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's offline parts: importing a key, and the errors that say what to do. The online flow is TraderCliTest (local/runtime). */
class ConfluxTraderTest {

    record Run(int exit, String out, String err) {}

    private static Run cli(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = ConfluxTrader.commandLine(new ConfluxTrader(), false, env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anImportedKeyIsTheWallet_storedEncrypted_andNeverEchoed(@TempDir Path dir) throws Exception {
        Wallet w = Wallet.create();
        Path key = Files.writeString(dir.resolve("key.hex"), w.privateKeyHex() + "\n");
        Path home = dir.resolve("home");
        Map<String, String> env = Map.of(ConfluxTrader.PASSPHRASE_ENV, "pass phrase");
        Run imported = cli(env, "--home", home.toString(), "wallet", "import", "--key-file", key.toString(), "--kdf-cost", "1024");
        assertEquals(0, imported.exit(), imported.err());
        assertEquals(w.checksumAddress(), cli(env, "--home", home.toString(), "wallet", "show").out().strip());
        String file = Files.readString(home.resolve("wallet.json"));
        assertFalse(file.contains(w.privateKeyHex().substring(2)));
        assertFalse(imported.out().contains(w.privateKeyHex().substring(2)));
        assertEquals(w.address(), Keystore.decrypt(file, "pass phrase".toCharArray()).address());
        if (Files.getFileStore(home).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("wallet.json"))));
        }

        Path bad = Files.writeString(dir.resolve("bad.hex"), "0x1234 not a key");
        Run refused = cli(env, "--home", dir.resolve("other").toString(), "wallet", "import", "--key-file", bad.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("64 hex digits") && !refused.err().contains("1234"), refused.err());
    }

    @Test
    void withoutAWallet_aPassphrase_oraSession_theErrorSaysWhatToDo(@TempDir Path dir) {
        String home = dir.resolve("home").toString();
        Run noWallet = cli(Map.of(), "--home", home, "login", "--api", "http://127.0.0.1:9");
        assertTrue(noWallet.err().contains("run `conflux-trader wallet new`"), noWallet.err());
        // tests run without a console: no passphrase source at all is an error, not a hang
        Run noPassphrase = cli(Map.of(), "--home", home, "wallet", "new", "--kdf-cost", "1024");
        assertEquals(1, noPassphrase.exit());
        assertTrue(noPassphrase.err().contains("--passphrase-file") && noPassphrase.err().contains("CONFLUX_PASSPHRASE"), noPassphrase.err());
        assertEquals(0, cli(Map.of(ConfluxTrader.PASSPHRASE_ENV, "p"), "--home", home, "wallet", "new", "--kdf-cost", "1024").exit());
        Run notSignedIn = cli(Map.of(), "--home", home, "train", "--candles", "any.csv");
        assertEquals(1, notSignedIn.exit());
        assertTrue(notSignedIn.err().contains("not signed in: run `conflux-trader login --api URL`"), notSignedIn.err());
        Run dpHalf = cli(Map.of(), "--home", home, "train", "--candles", "any.csv", "--dp-clip", "0.1");
        assertTrue(dpHalf.err().contains("needs both --dp-clip and --dp-noise"), dpHalf.err());
        Run noUpdate = cli(Map.of(), "--home", home, "upload");
        assertTrue(noUpdate.err().contains("no trained update"), noUpdate.err());
        Run usage = cli(Map.of(), "--home", home, "train");
        assertEquals(2, usage.exit());
        assertTrue(usage.err().contains("--candles"), usage.err());
    }
}
