package io.conflux.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium for tests that render pages: the DOM after the page's scripts ran, or a screenshot. The binary is
 * {@code $CONFLUX_CHROMIUM}, else the first of {@code chromium}, {@code chromium-browser}, {@code google-chrome} on
 * the PATH; without one the call fails saying how to install it (tests that need a browser never skip silently).
 * Each run gets a fresh profile directory, deleted afterwards.
 */
final class Chromium {
    static final String ENV = "CONFLUX_CHROMIUM";
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final long TIMEOUT_SECONDS = 90;

    private Chromium() {}

    /** The page's DOM, serialised after its scripts ran (a virtual-time budget of 10 s). */
    static String dumpDom(Path html) {
        return new String(run(List.of("--virtual-time-budget=10000", "--dump-dom", html.toUri().toString())), StandardCharsets.UTF_8);
    }

    /** A PNG of the page in a window of {@code width}×{@code height} CSS pixels. */
    static void screenshot(Path html, Path png, int width, int height) {
        run(List.of("--virtual-time-budget=10000", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), html.toUri().toString()));
        if (!Files.isRegularFile(png)) throw new AssertionError("chromium exited without writing the screenshot " + png);
    }

    /** The browser binary, or an error that says how to get one. */
    static Path binary() {
        String configured = System.getenv(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (Files.isExecutable(p)) return p;
            throw new IllegalStateException(ENV + "=" + configured + " is not an executable file");
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES)
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
            }
        throw new IllegalStateException("no Chromium found: these tests render the demo report in a headless browser. "
                + "Install it with `apt-get install chromium` (Debian/Ubuntu; or your system's chromium/google-chrome package), "
                + "or point " + ENV + " at a Chromium or Chrome binary. Looked for " + NAMES + " on the PATH.");
    }

    private static byte[] run(List<String> args) {
        Path binary = binary();
        Path profile = null, out = null, err = null;
        try {
            profile = Files.createTempDirectory("conflux-chromium-");
            out = Files.createTempFile("conflux-chromium-", ".out");
            err = Files.createTempFile("conflux-chromium-", ".err");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--disable-background-networking", "--mute-audio", "--user-data-dir=" + profile));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command + "\n" + tail(err));
            }
            if (process.exitValue() != 0)
                throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n" + tail(err));
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary, e);
        } finally {
            delete(profile);
            delete(out);
            delete(err);
        }
    }

    /** The last 4000 characters of the browser's stderr. */
    private static String tail(Path err) {
        try {
            String s = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
            return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private static void delete(Path path) {
        if (path == null || !Files.exists(path)) return;
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
