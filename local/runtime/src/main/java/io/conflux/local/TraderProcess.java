package io.conflux.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One demo trader's machine: `conflux-trader` commands run in a JVM of their own, with the trader's own home
 * (wallet, session, updates) and candles, as a trader would run them. Each command's output is appended to the
 * trader's log; a command that fails stops the demo with the end of that output and the log's path.
 */
final class TraderProcess {
    private static final String MAIN = "io.conflux.trader.ConfluxTrader";

    private final String id;
    private final Path home;
    private final Path log;
    private final Path passphrase;
    private final int threads;

    /** A command that did not succeed: its exit status, the end of its output, and where the whole log is. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** @param threads PyTorch's and OpenMP's threads in this trader's JVM (cores / traders at once) */
    TraderProcess(String id, Path home, Path log, int threads) throws IOException {
        this.id = id;
        this.home = home;
        this.log = log;
        this.threads = threads;
        Files.createDirectories(home);
        Files.createDirectories(log.getParent());
        this.passphrase = home.resolve("passphrase");
        if (!Files.exists(passphrase)) {
            // the demo's stand-in for the trader typing a passphrase; a real trader keeps none on disk
            Files.writeString(passphrase, "demo passphrase of " + id + " " + java.util.UUID.randomUUID());
        }
    }

    String id() {
        return id;
    }

    Path home() {
        return home;
    }

    Path log() {
        return log;
    }

    /** Runs {@code conflux-trader <args>} and returns its output; throws {@link Failed} unless it exits 0 within {@code timeout}. */
    String run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx1g", "-Dai.djl.offline=true", "-cp", classPath(), MAIN,
                "--home", home.toString(), "--passphrase-file", passphrase.toString()));
        command.addAll(List.of(args));
        String shown = "conflux-trader " + String.join(" ", args);
        try {
            Files.writeString(log, "\n$ " + shown + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            long offset = Files.size(log);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("DJL_CACHE_DIR", home.resolve("djl-cache").toString());
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new Failed(id + ": interrupted during `" + shown + "`");
            }
            String output = since(offset);
            if (!done) throw new Failed(id + ": `" + shown + "` did not finish in " + timeout.toSeconds() + " s\n" + tail(output) + "\n(whole log: " + log + ")");
            if (p.exitValue() != 0) {
                throw new Failed(id + ": `" + shown + "` exited with status " + p.exitValue() + ":\n" + tail(output) + "\n(whole log: " + log + ")");
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(id + ": cannot run `" + shown + "`: " + e.getMessage(), e);
        }
    }

    /** The first line of {@code output} that starts with {@code label} (the client's output is one labelled line per fact), or "". */
    static String line(String output, String label) {
        for (String l : output.split("\n")) if (l.startsWith(label)) return l.substring(label.length()).strip();
        return "";
    }

    /** What the log gained after {@code byteOffset}: this command's output. */
    private String since(long byteOffset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(byteOffset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /** The last lines of a command's output (progress bars' carriage returns folded). */
    private static String tail(String output) {
        List<String> lines = new ArrayList<>();
        for (String l : output.split("\n")) {
            String shownPart = l.substring(l.lastIndexOf('\r') + 1).strip();
            if (!shownPart.isEmpty()) lines.add("    " + shownPart);
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static volatile String classPath;

    /**
     * This JVM's class path, which holds the trader's client: the URLs of the loader that loaded the runtime (under
     * {@code mvn exec:java} that is Maven's project loader, not {@code java.class.path}), else {@code java.class.path}.
     */
    static String classPath() {
        String cp = classPath;
        if (cp != null) return cp;
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader cl = TraderProcess.class.getClassLoader(); cl != null; cl = cl.getParent()) {
            if (!(cl instanceof URLClassLoader u)) continue;
            for (URL url : u.getURLs()) {
                try {
                    if ("file".equals(url.getProtocol())) entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("a class path entry is not a file: " + url, e);
                }
            }
        }
        cp = entries.isEmpty() ? System.getProperty("java.class.path") : String.join(java.io.File.pathSeparator, entries);
        classPath = cp;
        return cp;
    }
}
