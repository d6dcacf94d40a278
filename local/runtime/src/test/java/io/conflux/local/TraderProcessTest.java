package io.conflux.local;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A demo trader's command runs in a JVM of its own; one that fails says which, how, what it printed last, and where the log is. */
class TraderProcessTest {
    @Test
    void aFailingCommandReportsItsStatusItsLastOutputAndTheLog(@TempDir Path dir) throws Exception {
        TraderProcess p = new TraderProcess("trader-9", dir.resolve("home"), dir.resolve("logs/trader-9.log"), 1);
        TraderProcess.Failed f = assertThrows(TraderProcess.Failed.class, () -> p.run(Duration.ofMinutes(2), "status"));
        String m = f.getMessage();
        assertTrue(m.startsWith("trader-9: `conflux-trader status` exited with status 1:"), m);
        assertTrue(m.contains("not signed in: run `conflux-trader login --api URL`"), "the client's own explanation: " + m);
        assertTrue(m.endsWith("(whole log: " + dir.resolve("logs/trader-9.log") + ")"), m);
        String log = Files.readString(dir.resolve("logs/trader-9.log"));
        assertTrue(log.contains("$ conflux-trader status") && log.contains("not signed in"), log);
        // a command that succeeds returns what it printed, and its output follows the first one's in the same log
        String help = p.run(Duration.ofMinutes(2), "--version");
        assertTrue(help.strip().equals("conflux-trader 0.1.0"), help);
        assertTrue(Files.readString(dir.resolve("logs/trader-9.log")).indexOf("$ conflux-trader --version") > log.length() - 1);
    }
}
