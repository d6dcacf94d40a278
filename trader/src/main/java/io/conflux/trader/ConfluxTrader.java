package io.conflux.trader;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.features.CandleFormatException;
import io.conflux.features.Candles;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import io.conflux.rounds.Round;
import io.conflux.update.ModelUpdate;
import io.conflux.update.SafeTensors;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UpdateRejectedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code conflux-trader}: what a trader runs on their own machine. Candles and features stay here; the only
 * thing that leaves is the sealed update (HPKE-encrypted to the round's key, signed by the wallet).
 */
@Command(name = "conflux-trader", mixinStandardHelpOptions = true, version = "conflux-trader 0.1.0",
        description = {"Train the round's model on your own candles and upload only the sealed update.", "",
                "Start with: wallet new, login --api URL, rounds, train --candles FILE, upload, status, payouts, claim --rpc URL."},
        subcommands = {ConfluxTrader.WalletCommand.class, ConfluxTrader.Login.class, ConfluxTrader.Rounds.class, ConfluxTrader.Train.class,
                ConfluxTrader.Upload.class, ConfluxTrader.Status.class, ConfluxTrader.Payouts.class, ConfluxTrader.Claim.class, CommandLine.HelpCommand.class})
public final class ConfluxTrader implements Runnable {
    /** Exit statuses besides 0 (done), 1 (an error, explained) and 2 (bad usage). */
    public static final int REJECTED = 3;
    public static final int NO_VERDICT = 4;
    static final String PASSPHRASE_ENV = "CONFLUX_PASSPHRASE";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--home", description = "Folder for the wallet, session and updates (default: $CONFLUX_TRADER_HOME or ~/.conflux-trader).")
    Path homeOption;

    @Option(names = "--passphrase-file", description = "Read the wallet passphrase from this file (else $" + PASSPHRASE_ENV + ", else a prompt).")
    Path passphraseFile;

    /** Tests and the jar's own probe swap these; a terminal is detected otherwise. */
    Boolean interactive;
    Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with this client's error handling: a known failure is one line saying what to do, not a stack trace. */
    public static CommandLine commandLine() {
        return commandLine(new ConfluxTrader());
    }

    /** As {@link #commandLine()}, told whether output is a terminal and what the environment holds (for tests, and embedding). */
    public static CommandLine commandLine(ConfluxTrader root, boolean terminal, Map<String, String> env) {
        root.interactive = terminal;
        root.env = env;
        return commandLine(root);
    }

    static CommandLine commandLine(ConfluxTrader root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + explain(e));
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A failure the user can act on; the message says what to do. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }

    static String explain(Exception e) {
        if (e instanceof ConfluxClient.ApiException a) {
            if (a.status() == 401) return "not signed in, or the session expired (" + a.getMessage() + "): run `conflux-trader login`";
            return switch (a.code()) {
                case "ROUND_NOT_OPEN" -> a.getMessage() + "\n  The round no longer takes updates: `conflux-trader rounds` lists the open ones.";
                case "ROUND_NOT_FOUND" -> a.getMessage() + "\n  `conflux-trader rounds` lists the rounds there are.";
                case "UPLOAD_REFUSED" -> "the storage service refused the upload (" + a.getMessage() + "); run `conflux-trader upload` again for a fresh URL";
                default -> "the API refused: " + a.getMessage();
            };
        }
        if (e instanceof CandleFormatException) return "the candle file is malformed: " + e.getMessage();
        if (e instanceof Keystore.KeystoreException) return "cannot open the wallet: " + e.getMessage();
        if (e instanceof NoSuchFileException n) return "no such file: " + n.getFile();
        if (e instanceof UserError || e instanceof TrainingJob.TrainingException) return e.getMessage();
        if (e instanceof IOException) return e.getMessage();
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    TraderHome home() {
        if (homeOption != null) return new TraderHome(homeOption);
        String h = env.get("CONFLUX_TRADER_HOME");
        return new TraderHome(h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".conflux-trader"));
    }

    boolean terminal() {
        return interactive != null ? interactive : System.console() != null;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    char[] passphrase(String prompt, boolean confirm) throws IOException {
        if (passphraseFile != null) {
            String s = Files.readString(passphraseFile, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) throw new UserError("the passphrase file " + passphraseFile + " is empty");
            return s.toCharArray();
        }
        String fromEnv = env.get(PASSPHRASE_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv.toCharArray();
        var console = System.console();
        if (console == null) {
            throw new UserError("the wallet passphrase is needed: run in a terminal, or give --passphrase-file FILE, or set $" + PASSPHRASE_ENV);
        }
        char[] p = console.readPassword("%s: ", prompt);
        if (p == null || p.length == 0) throw new UserError("an empty passphrase is not allowed");
        if (confirm && !Arrays.equals(p, console.readPassword("Repeat it: "))) throw new UserError("the two passphrases differ; nothing was written");
        return p;
    }

    Wallet unlock() throws IOException, Keystore.KeystoreException {
        Path f = home().walletFile();
        if (!Files.exists(f)) throw new UserError("no wallet in " + home().dir() + ": run `conflux-trader wallet new` or `wallet import`");
        char[] p = passphrase("Passphrase for " + f, false);
        try {
            return Keystore.decrypt(Files.readString(f), p);
        } finally {
            Arrays.fill(p, '\0');
        }
    }

    /** The wallet's address from the keystore's clear-text field: no passphrase needed. */
    String address() throws IOException {
        Path f = home().walletFile();
        if (!Files.exists(f)) throw new UserError("no wallet in " + home().dir() + ": run `conflux-trader wallet new` or `wallet import`");
        String a = JSON.readTree(Files.readString(f)).path("address").asText("");
        if (a.isEmpty()) throw new UserError("the wallet file " + f + " names no address");
        return "0x" + a.toLowerCase(java.util.Locale.ROOT).replaceFirst("^0x", "");
    }

    ConfluxClient client() throws IOException {
        TraderHome.Session s = home().session();
        if (s == null) throw new UserError("not signed in: run `conflux-trader login --api URL`");
        if (s.expiresAt() != null && Instant.parse(s.expiresAt()).isBefore(Instant.now())) {
            throw new UserError("the session expired at " + s.expiresAt() + ": run `conflux-trader login`");
        }
        return new ConfluxClient(URI.create(s.api())).withToken(s.token());
    }

    /** The round named, or the one round that takes updates now. */
    static JsonNode pickRound(ConfluxClient c, String roundId) throws IOException {
        if (roundId != null) return c.round(roundId);
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode r : c.call("GET", "/rounds", null)) if (r.path("acceptingUpdates").asBoolean()) open.add(r);
        if (open.isEmpty()) throw new UserError("no round takes updates now: `conflux-trader rounds` shows them all");
        if (open.size() > 1) {
            throw new UserError("several rounds take updates (" + String.join(", ", open.stream().map(r -> r.get("roundId").asText()).toList())
                    + "): choose one with --round");
        }
        return open.get(0);
    }

    // ---------------------------------------------------------------------------------------------- wallet

    @Command(mixinStandardHelpOptions = true, name = "wallet", description = "Create, import or show the wallet that signs your updates.",
            subcommands = {WalletCommand.New.class, WalletCommand.Import.class, WalletCommand.Show.class})
    static final class WalletCommand implements Runnable {
        @ParentCommand
        ConfluxTrader root;
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        abstract static class Writing implements Callable<Integer> {
            @ParentCommand
            WalletCommand wallet;

            @Option(names = "--force", description = "Replace an existing wallet (its key is lost unless you kept it).")
            boolean force;

            @Option(names = "--kdf-cost", description = "scrypt N (a power of two; default ${DEFAULT-VALUE}, geth's standard). Lower is faster and weaker.",
                    defaultValue = "262144")
            int kdfCost;

            Integer save(Wallet w) throws IOException {
                ConfluxTrader root = wallet.root;
                Path f = root.home().walletFile();
                if (Files.exists(f) && !force) {
                    throw new UserError("a wallet already exists at " + f + " (" + root.address() + "); --force replaces it");
                }
                char[] p = root.passphrase("New passphrase for the wallet", true);
                try {
                    Keystore.Kdf kdf;
                    try {
                        kdf = new Keystore.Kdf(kdfCost, Keystore.Kdf.STANDARD.r(), Keystore.Kdf.STANDARD.p());
                    } catch (IllegalArgumentException e) {
                        throw new UserError("--kdf-cost: " + e.getMessage());
                    }
                    root.home().write(f, Keystore.encrypt(w, p, kdf).getBytes(StandardCharsets.UTF_8));
                } finally {
                    Arrays.fill(p, '\0');
                }
                root.out().println("wallet " + w.checksumAddress());
                root.out().println("  key encrypted with your passphrase in " + f + " (Ethereum keystore v3; keep a copy and the passphrase)");
                return 0;
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "new", description = "Create a new wallet, its key encrypted with a passphrase.")
        static final class New extends Writing {
            @Override
            public Integer call() throws Exception {
                return save(Wallet.create());
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "import", description = "Import an existing private key (hex) and encrypt it with a passphrase.")
        static final class Import extends Writing {
            @Option(names = "--key-file", description = "A file holding the private key as hex (else it is read from a hidden prompt or standard input).")
            Path keyFile;

            @Override
            public Integer call() throws Exception {
                String hex;
                if (keyFile != null) {
                    hex = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
                } else if (System.console() != null) {
                    hex = new String(System.console().readPassword("Private key (hex): ")).strip();
                } else {
                    hex = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    hex = hex == null ? "" : hex.strip();
                }
                if (!hex.matches("(0x)?[0-9a-fA-F]{64}")) {
                    throw new UserError("a private key is 64 hex digits (32 bytes), optionally after 0x; what was given is not (it is not shown)");
                }
                return save(Wallet.fromPrivateKeyHex(hex));
            }
        }

        @Command(mixinStandardHelpOptions = true, name = "show", description = "Print the wallet's address (never the key).")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            WalletCommand wallet;

            @Override
            public Integer call() throws Exception {
                wallet.root.out().println(io.conflux.identity.Signatures.toChecksum(wallet.root.address()));
                return 0;
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- login

    @Command(mixinStandardHelpOptions = true, name = "login", description = "Sign in to the platform with the wallet (EIP-4361); the session is kept for the other commands.")
    static final class Login implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Option(names = "--api", description = "The API's address (default: the last one used, else $CONFLUX_API).")
        URI api;

        @Override
        public Integer call() throws Exception {
            TraderHome.Session last = root.home().session();
            URI target = api != null ? api : last != null ? URI.create(last.api())
                    : root.env.get("CONFLUX_API") != null ? URI.create(root.env.get("CONFLUX_API")) : null;
            if (target == null) throw new UserError("which platform? give --api URL (for the local runtime, the address `conflux-local` prints)");
            Wallet w = root.unlock();
            ConfluxClient c = new ConfluxClient(target);
            JsonNode s = c.signIn(w);
            root.home().saveSession(new TraderHome.Session(target.toString(), c.token(), w.address(), s.get("expiresAt").asText()));
            root.out().println("signed in as " + w.checksumAddress() + " at " + target + " until " + s.get("expiresAt").asText()
                    + " (roles " + s.path("roles") + ")");
            return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------- rounds

    @Command(mixinStandardHelpOptions = true, name = "rounds", description = "List the platform's rounds: which take updates, until when, validated on what.")
    static final class Rounds implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Override
        public Integer call() throws Exception {
            JsonNode rounds = root.client().call("GET", "/rounds", null);
            PrintWriter out = root.out();
            if (rounds.isEmpty()) {
                out.println("no rounds yet");
                return 0;
            }
            out.printf("%-26s %-10s %-4s %-20s %-29s %-18s %s%n", "ROUND", "STATUS", "OPEN", "DEADLINE", "VALIDATION (train before)", "RULE", "BASE");
            for (JsonNode r : rounds) {
                JsonNode p = r.path("policy");
                out.printf("%-26s %-10s %-4s %-20s %-29s %-18s %s%n", r.get("roundId").asText(), r.get("status").asText(),
                        r.path("acceptingUpdates").asBoolean() ? "yes" : "no",
                        Instant.parse(r.get("deadline").asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        p.path("validationMarket").asText() + " " + p.path("validationFrom").asText().replace(":00Z", "Z"),
                        p.path("rule").asText(), shortHash(r.path("baseModel").asText()));
            }
            return 0;
        }
    }

    static String shortHash(String h) {
        return h.length() > 16 ? h.substring(0, 12) + "..." : h;
    }

    // ----------------------------------------------------------------------------------------------- train

    @Command(mixinStandardHelpOptions = true, name = "train", description = {"Train the round's model on your candles, from the round's base model, and save the update.",
            "Only candles before the round's validation window are used. Nothing is sent: train only reads the round and its base model."})
    static final class Train implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Option(names = "--candles", required = true, description = "CSV with a header naming timestamp,open,high,low,close,volume.")
        Path candles;

        @Option(names = "--round", description = "The round (default: the one round taking updates).")
        String roundId;

        @Option(names = "--epochs", defaultValue = "20", description = "Most epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--batch-size", defaultValue = "64", description = "Windows per step (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
        float learningRate;

        @Option(names = "--patience", defaultValue = "3", description = "Stop after this many epochs without a better validation loss (default: ${DEFAULT-VALUE}).")
        int patience;

        @Option(names = "--seed", defaultValue = "7", description = "Seed of the shuffle and of PyTorch (default: ${DEFAULT-VALUE}): the same seed, data and base give the same update.")
        long seed;

        @Option(names = "--validation-fraction", defaultValue = "0.15", description = "The latest windows held out for early stopping (default: ${DEFAULT-VALUE}).")
        double validationFraction;

        @Option(names = "--dp-clip", description = "Differential privacy: clip the update to this L2 norm ... (needs --dp-noise; a round that requires DP applies its own).")
        Double dpClip;

        @Option(names = "--dp-noise", description = "... and add Gaussian noise of this many times the clip per value.")
        Double dpNoise;

        @Option(names = "--dp-delta", defaultValue = "1e-5", description = "The delta the epsilon is reported at (default: ${DEFAULT-VALUE}).")
        double dpDelta;

        @Option(names = "--dp-seed", description = "Seed the DP noise (for tests only: known noise protects nothing). Default: a secure random source.")
        Long dpSeed;

        @Option(names = "--save-model", description = "Also keep the model training reached (the base plus your whole, unclipped change; "
                + ".safetensors): your own local model. It stays on this machine; only the update is uploaded.")
        Path saveModel;

        @Override
        public Integer call() throws Exception {
            if ((dpClip == null) != (dpNoise == null)) throw new UserError("differential privacy needs both --dp-clip and --dp-noise");
            LocalTrainer.Options options;
            try {
                options = new LocalTrainer.Options(epochs, batchSize, learningRate, patience, seed);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            PrintWriter out = root.out();
            String trader = root.address();
            ConfluxClient c = root.client();
            JsonNode round = pickRound(c, roundId);
            String id = round.get("roundId").asText();
            if (!round.path("acceptingUpdates").asBoolean()) {
                throw new UserError("round " + id + " does not take updates (status " + round.get("status").asText() + ", deadline "
                        + round.get("deadline").asText() + "): `conflux-trader rounds` lists the open ones");
            }
            DifferentialPrivacy.Params dp = privacy(round.path("policy"), id);
            ModelTemplate template = ModelTemplate.parse(round.get("templateId").asText());
            TrainingJob.RoundSpec spec = new TrainingJob.RoundSpec(id, template, Instant.parse(round.at("/policy/validationFrom").asText()),
                    round.get("normBound").asDouble());

            Candles all = Candles.readCsv(candles);
            out.println("candles   " + all.report());
            TrainingJob.Prepared data;
            try (ProgressLine bar = new ProgressLine(root.err(), root.terminal(), "features", 1)) {
                data = TrainingJob.prepare(all, spec, validationFraction, (done, total) -> {
                    bar.max(total);
                    bar.step(done, "");
                });
            }
            out.printf("data      %d candles before %s (%d from it on left out); data ends %s%n", data.candlesUsed(), spec.validationFrom(),
                    data.candlesAfterCutoff(), data.dataEnd());
            out.printf("windows   %d training %s, %d validation; normalization fitted on the training windows only%n", data.training().size(),
                    Arrays.toString(data.training().classCounts()), data.validation().size());

            String baseHash = round.get("baseModel").asText();
            ModelParameters base = c.baseModel(baseHash, template);
            out.println("base      " + (Round.GENESIS.equals(baseHash) ? "genesis model of " + template.id() : "published model " + shortHash(baseHash)
                    + " (downloaded, hash checked)"));
            RandomGenerator noise = dpSeed != null ? new SplittableRandom(dpSeed) : new SecureRandom();
            TrainingJob.Outcome o;
            long t0 = System.nanoTime();
            try (ProgressLine bar = new ProgressLine(root.err(), root.terminal(), "training", options.epochs())) {
                o = TrainingJob.train(base, spec, data, options, dp, noise, trader, (e, of) -> {
                    String figures = String.format("loss %.4f acc %.3f | validation loss %.4f acc %.3f", e.loss(), e.accuracy(), e.validationLoss(),
                            e.validationAccuracy());
                    bar.line(String.format("epoch %2d/%d  %s", e.epoch(), of, figures));
                    bar.step(e.epoch(), figures);
                });
            }
            LocalTrainer.Result r = o.training();
            out.printf("trained   best epoch %d of %d%s in %.1f s; update norm %.4f%n", r.bestEpoch(), r.history().size(),
                    r.stoppedEarly() ? " (stopped early)" : "", (System.nanoTime() - t0) / 1e9, o.trainedNorm());
            if (o.adjustment() != null) out.println("norm      " + o.adjustment());
            TraderHome home = root.home();
            Path file = home.updateFile(id);
            home.write(file, UpdateEnvelope.payload(o.update()));
            Path dpFile = Path.of(file + ".dp.json");
            if (dp != null) {
                home.write(dpFile, JSON.writeValueAsBytes(Map.of("clip", dp.clip(), "noiseMultiplier", dp.noiseMultiplier())));
                List<DifferentialPrivacy.Params> releases = new ArrayList<>();
                for (TraderHome.PrivacyEntry p : home.privacy()) if (!p.roundId().equals(id)) releases.add(new DifferentialPrivacy.Params(p.clip(), p.noiseMultiplier()));
                DifferentialPrivacy.Guarantee one = DifferentialPrivacy.guarantee(List.of(dp), dpDelta);
                releases.add(dp);
                DifferentialPrivacy.Guarantee total = DifferentialPrivacy.guarantee(releases, dpDelta);
                out.printf("privacy   %sclip %s, noise %s x clip (noise norm %.4f); this round (epsilon %.3f, delta %s); with your %d earlier DP upload(s) "
                                + "(epsilon %.3f, delta %s) - RDP accountant, your whole training set as the unit%n",
                        round.at("/policy/dpClip").isNumber() ? "required by the round: " : "", dp.clip(), dp.noiseMultiplier(),
                        o.privacy().noiseNorm(), one.epsilon(), dpDelta, releases.size() - 1, total.epsilon(), dpDelta);
            } else {
                Files.deleteIfExists(dpFile);
            }
            out.printf("update    %s: %d samples, norm %.4f, for round %s (bound %s)%n", file, o.update().sampleCount(), o.uploadNorm(), id, spec.normBound());
            if (saveModel != null) {
                if (saveModel.getParent() != null) Files.createDirectories(saveModel.getParent());
                Files.write(saveModel, r.best().toSafeTensors());
                out.printf("model     %s: the trained model (best epoch %d), sha256 %s%n", saveModel, r.bestEpoch(), r.best().hash());
            }
            out.println("next      conflux-trader upload --round " + id);
            return 0;
        }

        /** The trader's DP settings, or the round's when it requires DP (a trader may add noise to it, never take any away). */
        private DifferentialPrivacy.Params privacy(JsonNode policy, String roundId) {
            if (!policy.hasNonNull("dpClip")) return dpClip == null ? null : new DifferentialPrivacy.Params(dpClip, dpNoise);
            double clip = policy.get("dpClip").asDouble(), z = policy.get("dpNoiseMultiplier").asDouble();
            if (dpClip == null) return new DifferentialPrivacy.Params(clip, z);
            if (dpClip != clip || dpNoise < z) {
                throw new UserError("round " + roundId + " requires differential privacy with clip " + clip + " and a noise multiplier of at least " + z
                        + ": leave out --dp-clip/--dp-noise to use them, or keep the clip and raise the noise");
            }
            return new DifferentialPrivacy.Params(dpClip, dpNoise);
        }
    }

    // ---------------------------------------------------------------------------------------------- upload

    @Command(mixinStandardHelpOptions = true, name = "upload", description = "Seal the trained update for its round (encrypted to the round, signed by the wallet), upload it, and show the verdict.")
    static final class Upload implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Option(names = "--round", description = "The round whose update to upload (default: the only one trained).")
        String roundId;

        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the verdict (default: ${DEFAULT-VALUE}; 0: do not wait).")
        int waitSeconds;

        @Override
        public Integer call() throws Exception {
            TraderHome home = root.home();
            Path file = roundId != null ? home.updateFile(roundId) : onlyUpdate(home);
            if (!Files.exists(file)) throw new UserError("no trained update for round " + roundId + ": run `conflux-trader train --round " + roundId + " --candles FILE`");
            ModelUpdate update = read(file);
            ConfluxClient c = root.client();
            JsonNode round = c.round(update.roundId());
            if (!round.path("acceptingUpdates").asBoolean()) {
                throw new UserError("round " + update.roundId() + " does not take updates any more (status " + round.get("status").asText()
                        + ", deadline " + round.get("deadline").asText() + "): `conflux-trader rounds` lists the open ones");
            }
            Wallet w = root.unlock();
            if (!w.address().equals(update.trader())) {
                throw new UserError("the update was trained for " + update.trader() + " but the wallet is " + w.address() + ": train again with this wallet");
            }
            byte[] sealed = UpdateEnvelope.seal(update, w, Base64.getDecoder().decode(round.get("publicKey").asText()));
            ConfluxClient.Ticket ticket = c.ticket(update.roundId(), sealed.length);
            try (ProgressLine bar = new ProgressLine(root.err(), root.terminal(), "upload", sealed.length)) {
                c.put(ticket, sealed, sent -> bar.step(sent, sent + " bytes"));
            }
            home.addUpload(new TraderHome.UploadEntry(update.roundId(), ticket.uploadId(), TraderHome.now(), sealed.length));
            Path dpFile = Path.of(file + ".dp.json");
            if (Files.exists(dpFile)) {
                JsonNode dp = JSON.readTree(dpFile.toFile());
                home.recordPrivacy(new TraderHome.PrivacyEntry(update.roundId(), dp.get("clip").asDouble(), dp.get("noiseMultiplier").asDouble(), TraderHome.now()));
            } else {
                home.forgetPrivacy(update.roundId());
            }
            PrintWriter out = root.out();
            out.printf("uploaded  %d sealed bytes for round %s (upload %s)%n", sealed.length, update.roundId(), ticket.uploadId());
            if (waitSeconds <= 0) {
                out.println("verdict   not awaited: `conflux-trader status` shows it");
                return 0;
            }
            JsonNode v = c.verdict(update.roundId(), ticket.uploadId(), Duration.ofSeconds(waitSeconds));
            out.println("verdict   " + describe(v));
            return switch (v.get("status").asText()) {
                case "ACCEPTED" -> 0;
                case "REJECTED" -> REJECTED;
                default -> NO_VERDICT;
            };
        }

        static Path onlyUpdate(TraderHome home) throws IOException {
            Path dir = home.dir().resolve("updates");
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().forEach(files::add);
                }
            }
            if (files.isEmpty()) throw new UserError("no trained update: run `conflux-trader train --candles FILE` first");
            if (files.size() > 1) {
                throw new UserError("updates for several rounds are waiting (" + String.join(", ", files.stream()
                        .map(p -> p.getFileName().toString().replace(".safetensors", "")).toList()) + "): choose one with --round");
            }
            return files.get(0);
        }

        static ModelUpdate read(Path file) throws IOException {
            try {
                UpdateEnvelope.Contents contents = UpdateEnvelope.parse(Files.readAllBytes(file));
                List<Tensor> tensors = new ArrayList<>();
                for (SafeTensors.Entry e : contents.tensors().entries()) tensors.add(contents.tensors().tensor(e));
                return contents.toUpdate(tensors);
            } catch (UpdateRejectedException e) {
                throw new UserError("the update file " + file + " is damaged (" + e.getMessage() + "): train again");
            }
        }
    }

    static String describe(JsonNode v) {
        String s = v.get("status").asText();
        return switch (s) {
            case "ACCEPTED" -> String.format("ACCEPTED (content %s..., %d samples, norm %.4f)", v.path("contentHash").asText().substring(0, 12),
                    v.path("sampleCount").asLong(), v.path("norm").asDouble());
            case "REJECTED" -> "REJECTED " + v.path("reason").asText() + ": " + v.path("reasonDescription").asText()
                    + (v.hasNonNull("detail") ? " (" + v.get("detail").asText() + ")" : "");
            default -> s + " (ingest has not decided yet: `conflux-trader status` shows it later)";
        };
    }

    // ---------------------------------------------------------------------------------------------- status

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Who you are signed in as, and the verdict on each of your uploads.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Override
        public Integer call() throws Exception {
            ConfluxClient c = root.client();
            JsonNode me = c.call("GET", "/me", null);
            PrintWriter out = root.out();
            out.println("trader " + me.get("address").asText() + " at " + c.api() + " (registered " + me.get("registeredAt").asText() + ")");
            List<TraderHome.UploadEntry> uploads = root.home().uploads();
            if (uploads.isEmpty()) out.println("no uploads yet");
            for (TraderHome.UploadEntry u : uploads) {
                JsonNode v = c.uploadStatus(u.roundId(), u.uploadId());
                JsonNode round = c.round(u.roundId());
                out.printf("%s  round %s (%s)  upload %s  %s%n", u.at(), u.roundId(), round.get("status").asText(), u.uploadId(), describe(v));
            }
            return 0;
        }
    }

    // --------------------------------------------------------------------------------------------- payouts

    @Command(mixinStandardHelpOptions = true, name = "payouts", description = {"Your share of each published round: contribution scores and the payout share (parts per million),",
            "then what settlement allocated you per epoch, claimed or claimable (claim with your wallet: the API gives each proof)."})
    static final class Payouts implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Override
        public Integer call() throws Exception {
            ConfluxClient c = root.client();
            String me = root.home().session().address();
            PrintWriter out = root.out();
            int rows = 0;
            long totalPpm = 0;
            for (JsonNode r : c.call("GET", "/rounds", null)) {
                if (!"PUBLISHED".equals(r.get("status").asText())) continue;
                JsonNode scores = c.call("GET", "/rounds/" + r.get("roundId").asText() + "/scores", null).get("scores");
                for (JsonNode s : scores) {
                    if (!me.equals(s.get("trader").asText())) continue;
                    if (rows++ == 0) out.printf("%-38s %-8s %14s %14s %12s%n", "ROUND", "MODEL", "LEAVE-ONE-OUT", "SHAPLEY", "SHARE (ppm)");
                    out.printf("%-38s v%-7d %+14.6f %+14.6f %,12d%n", r.get("roundId").asText(), r.path("modelVersion").asLong(),
                            s.get("leaveOneOut").asDouble(), s.get("shapley").asDouble(), s.get("payoutPpm").asLong());
                    totalPpm += s.get("payoutPpm").asLong();
                }
            }
            if (rows == 0) out.println("no scored contributions yet for " + me + " (a round scores its updates when it publishes)");
            else out.printf("%d scored contribution(s); shares sum to %,d ppm across rounds%n", rows, totalPpm);
            settled(c, out);
            return 0;
        }

        /** What settlement allocated: per epoch, in the vault token's base units, claimed or still claimable. */
        private static void settled(ConfluxClient c, PrintWriter out) throws IOException {
            JsonNode p;
            try {
                p = c.call("GET", "/me/payouts", null);
            } catch (ConfluxClient.ApiException e) {
                if (!"SETTLEMENT_NOT_CONFIGURED".equals(e.code())) throw e;
                out.println("settlement is not configured on this platform (no vault): nothing allocated yet");
                return;
            }
            JsonNode allocations = p.path("allocations");
            if (allocations.isEmpty()) {
                out.println("no settled allocations yet in vault " + p.path("vault").asText());
                return;
            }
            out.printf("%-8s %16s  %s%n", "EPOCH", "AMOUNT", "STATUS");
            for (JsonNode a : allocations) {
                out.printf("%-8d %,16d  %s%n", a.get("epoch").asLong(), a.get("amount").asLong(),
                        a.get("claimed").asBoolean() ? "claimed (" + a.path("claimTx").asText() + ")" : "claimable");
            }
            out.printf("claimable %,d, claimed %,d (base units of the vault's token); claim with your wallet: vault %s, claim(epoch, amount, proof)%n",
                    p.get("claimable").asLong(), p.get("claimed").asLong(), p.path("vault").asText());
        }
    }

    // ----------------------------------------------------------------------------------------------- claim

    @Command(mixinStandardHelpOptions = true, name = "claim", description = {"Withdraw what settlement allocated you: every unclaimed epoch (or those named),",
            "with the Merkle proofs the API gives, claimed from the vault in one transaction your wallet signs and pays gas for."})
    static final class Claim implements Callable<Integer> {
        @ParentCommand
        ConfluxTrader root;

        @Option(names = "--rpc", required = true, description = "An RPC endpoint of the vault's chain (the local runtime prints its own).")
        String rpc;

        @Option(names = "--epoch", split = ",", description = "Claim only these epochs (default: every unclaimed one).")
        List<Long> epochs;

        @Override
        public Integer call() throws Exception {
            ConfluxClient c = root.client();
            JsonNode p;
            try {
                p = c.call("GET", "/me/payouts", null);
            } catch (ConfluxClient.ApiException e) {
                if ("SETTLEMENT_NOT_CONFIGURED".equals(e.code())) throw new UserError("this platform has no vault: there is nothing to claim");
                throw e;
            }
            PrintWriter out = root.out();
            String vaultAddress = p.get("vault").asText();
            List<JsonNode> wanted = new ArrayList<>();
            for (JsonNode a : p.path("allocations")) {
                if (epochs == null || epochs.contains(a.get("epoch").asLong())) wanted.add(a);
            }
            if (epochs != null) {
                for (long e : epochs) {
                    if (wanted.stream().noneMatch(a -> a.get("epoch").asLong() == e)) throw new UserError("you have no allocation in epoch " + e + ": `conflux-trader payouts` lists yours");
                }
            }
            Wallet w = root.unlock();
            if (!w.address().equals(p.get("trader").asText())) {
                throw new UserError("the session is " + p.get("trader").asText() + " but the wallet is " + w.address() + ": log in again with this wallet");
            }
            try (io.conflux.contracts.Chain chain = io.conflux.contracts.Chain.connect(rpc, Duration.ofMillis(100), Duration.ofMinutes(2))) {
                if ("0x".equals(chain.web3j().ethGetCode(vaultAddress, org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getCode())) {
                    throw new UserError("no contract at the vault's address " + vaultAddress + " on " + rpc + " (chain id " + chain.chainId() + "): is that the platform's chain?");
                }
                io.conflux.contracts.Chain.Account me = chain.account(w.privateKeyHex());
                var vault = io.conflux.contracts.generated.ConfluxVault.load(vaultAddress, chain.web3j(), me.transactions(), chain.gas());
                List<JsonNode> open = new ArrayList<>();
                List<byte[]> calls = new ArrayList<>();
                for (JsonNode a : wanted) {
                    long epoch = a.get("epoch").asLong();
                    // the API learns of a claim only when settlement next reads the vault's events: ask the chain itself
                    if (a.get("claimed").asBoolean() || vault.hasClaimed(java.math.BigInteger.valueOf(epoch), me.address()).send()) {
                        out.printf("epoch %-6d %16s  already claimed%n", epoch, a.get("amount").asText());
                        continue;
                    }
                    List<String> proof = new ArrayList<>();
                    a.get("proof").forEach(h -> proof.add(h.asText()));
                    calls.add(io.conflux.contracts.Claims.encode(epoch, a.get("amount").asLong(), proof));
                    open.add(a);
                }
                var token = io.conflux.contracts.generated.TestStablecoin.load(vault.asset().send(), chain.web3j(), me.transactions(), chain.gas());
                if (open.isEmpty()) {
                    out.println("nothing to claim; balance " + token.balanceOf(me.address()).send() + " (base units of the vault's token)");
                    return 0;
                }
                org.web3j.protocol.core.methods.response.TransactionReceipt receipt;
                try {
                    receipt = vault.multicall(calls).send();
                } catch (Exception e) {
                    throw new UserError("the vault refused the claim (" + io.conflux.contracts.ChainErrors.name(e).orElse(e.getMessage()) + ")");
                }
                long total = 0;
                for (JsonNode a : open) {
                    out.printf("epoch %-6d %16s  claimed%n", a.get("epoch").asLong(), a.get("amount").asText());
                    total += a.get("amount").asLong();
                }
                out.printf("claimed   %,d in %d epoch(s), tx %s (block %s, gas %s); balance now %s (base units of the vault's token)%n", total, open.size(),
                        receipt.getTransactionHash(), receipt.getBlockNumber(), receipt.getGasUsed(), token.balanceOf(me.address()).send());
                return 0;
            }
        }
    }
}
