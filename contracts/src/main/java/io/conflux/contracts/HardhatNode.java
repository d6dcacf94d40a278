package io.conflux.contracts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hardhat node on loopback (PLATFORM.md): the EVM chain of the tests and the local runtime. It runs from
 * {@code contracts/node_modules} (installed by the build from the lock file), offline, with Hardhat's twenty
 * funded development accounts, whose keys it prints and this class reads back.
 */
public final class HardhatNode implements AutoCloseable {

    private static final Pattern KEY = Pattern.compile("Private Key: (0x[0-9a-fA-F]{64})");
    private static final int ACCOUNTS = 20;

    private final Process process;
    private final String rpcUrl;
    private final List<String> privateKeys;
    private final Deque<String> tail;

    private HardhatNode(Process process, String rpcUrl, List<String> privateKeys, Deque<String> tail) {
        this.process = process;
        this.rpcUrl = rpcUrl;
        this.privateKeys = privateKeys;
        this.tail = tail;
    }

    /** Starts a node on a free loopback port and waits until it serves (about a second). */
    public static HardhatNode start() {
        return start(contractsDirectory());
    }

    public static HardhatNode start(Path contractsDir) {
        Path cli = contractsDir.resolve("node_modules/hardhat/internal/cli/bootstrap.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("Hardhat is not installed in " + contractsDir + ": run `npm ci` there (the contracts build does it)");
        }
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("node", cli.toString(), "node", "--hostname", "127.0.0.1", "--port", Integer.toString(port))
                .directory(contractsDir.toFile()).redirectErrorStream(true);
        pb.environment().put("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Hardhat node (is Node.js on the PATH?): " + e.getMessage(), e);
        }
        List<String> keys = new ArrayList<>();
        Deque<String> tail = new ArrayDeque<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) tail.removeFirst();
                    }
                    if (ready.getCount() > 0) {
                        Matcher m = KEY.matcher(line);
                        if (m.find()) {
                            synchronized (keys) { keys.add(m.group(1)); }
                            if (keys.size() == ACCOUNTS) ready.countDown();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the node was stopped
            }
        }, "hardhat-node-output");
        reader.setDaemon(true);
        reader.start();
        HardhatNode node = new HardhatNode(p, "http://127.0.0.1:" + port, keys, tail);
        try {
            if (!ready.await(90, TimeUnit.SECONDS) || !p.isAlive()) {
                node.close();
                throw new IllegalStateException("the Hardhat node did not start: " + node.output());
            }
        } catch (InterruptedException e) {
            node.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Hardhat node started", e);
        }
        return node;
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    /** The development accounts' private keys (hex, 0x), each funded with 10,000 ETH. */
    public List<String> privateKeys() {
        synchronized (privateKeys) {
            return List.copyOf(privateKeys);
        }
    }

    /** The last lines the node printed (for error messages). */
    public String output() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code contracts/} from -Dconflux.contracts.dir, or found above the working directory. */
    public static Path contractsDirectory() {
        String configured = System.getProperty("conflux.contracts.dir");
        if (configured != null) return Path.of(configured).toAbsolutePath();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolve("contracts");
            if (Files.isRegularFile(dir.resolve("hardhat.config.js"))) return dir;
            if (Files.isRegularFile(p.resolve("hardhat.config.js"))) return p;
        }
        throw new IllegalStateException("cannot find contracts/ (with hardhat.config.js) above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Moves the chain's clock forward and mines a block (Hardhat's evm_increaseTime). For tests of time locks. */
    public static void advanceTime(Chain chain, Duration by) {
        chain.rpc("evm_increaseTime", List.of(by.toSeconds()));
        chain.rpc("evm_mine", List.of());
    }
}
