package io.conflux.federation;

import io.conflux.aggregation.AggregationStrategy;
import io.conflux.aggregation.FedAvg;
import io.conflux.aggregation.MappedUpdates;
import io.conflux.aggregation.NormClipping;
import io.conflux.aggregation.SpilledUpdates;
import io.conflux.aggregation.Strategies;
import io.conflux.aggregation.Subset;
import io.conflux.aggregation.UpdateSource;
import io.conflux.contribution.Contributions;
import io.conflux.evaluation.Evaluator;
import io.conflux.evaluation.Metrics;
import io.conflux.identity.Wallet;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.Json;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.conflux.rounds.RoundStatus;
import io.conflux.rounds.RoundStore;
import io.conflux.update.ObjectReader;
import io.conflux.update.UpdateEnvelope;
import io.conflux.update.UpdateLedger;
import io.conflux.update.UploadRecord;
import io.conflux.update.UploadStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The steps of a federated round, one method per Task state of the round's state machine:
 *
 * <pre>
 *   collect (loop with a wait) -> close -> decode (map over batches) -> [reduce (map over shards)]
 *     -> combine -> evaluate -> score -> publish            noQuorum / fail end a round without a model
 * </pre>
 *
 * Steps pass only small JSON documents; everything large goes through the work bucket under
 * {@code rounds/<roundId>/}. Every step may run again (retry, re-drive) and then changes nothing: the
 * plan is written once, derived objects are deterministic functions of the plan, round status moves
 * by conditional writes, and the registry publishes a round once.
 */
public final class RoundWorkflow {

    /**
     * @param batchSize         updates per decode task
     * @param shardBudgetFloats a reduce task holds K x shard width floats: at most this many
     * @param grace             how long after the deadline the round still waits for updates uploaded in
     *                          time to be ingested
     * @param maxWait           the longest single wait of the collect loop
     * @param tempDir           where the score step maps the round's updates
     */
    public record Settings(int batchSize, long shardBudgetFloats, Duration grace, Duration maxWait, Path tempDir) {
        public static Settings defaults() {
            return new Settings(64, 16L << 20, Duration.ofSeconds(30), Duration.ofMinutes(5), Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    private final RoundStore rounds;
    private final RoundService roundService;
    private final UpdateLedger ledger;
    private final ObjectReader updates;
    private final Blobs work;
    private final Blobs models;
    private final ModelRegistry registry;
    private final ScoreStore scores;
    private final Function<Round, Evaluator> evaluators;
    private final Supplier<Wallet> platformKey;
    private final Clock clock;
    private final Settings settings;

    public RoundWorkflow(RoundStore rounds, RoundService roundService, UpdateLedger ledger, ObjectReader updates, Blobs work,
                         Blobs models, ModelRegistry registry, ScoreStore scores, Function<Round, Evaluator> evaluators,
                         Supplier<Wallet> platformKey, Clock clock, Settings settings) {
        this.rounds = rounds;
        this.roundService = roundService;
        this.ledger = ledger;
        this.updates = updates;
        this.work = work;
        this.models = models;
        this.registry = registry;
        this.scores = scores;
        this.evaluators = evaluators;
        this.platformKey = platformKey;
        this.clock = clock;
        this.settings = settings;
    }

    // ---------------------------------------------------------------- collect, close, no quorum, fail

    /**
     * Where collection stands: {@code next} is CLOSE (quorum and deadline-plus-grace, or maxUpdates),
     * NO_QUORUM (deadline-plus-grace passed below quorum) or WAIT (with {@code waitSeconds}).
     */
    public Map<String, Object> collect(String roundId) {
        Round r = round(roundId);
        long accepted = accepted(roundId).size();
        Instant now = clock.instant();
        Instant closeAt = r.deadline().plus(settings.grace());
        String next;
        long wait = 0;
        if (r.status() != RoundStatus.OPEN) {
            next = r.status() == RoundStatus.CLOSED ? "CLOSE" : "DONE"; // re-driven after the round moved on
        } else if (r.policy().maxUpdates() > 0 && accepted >= r.policy().maxUpdates()) {
            next = "CLOSE";
        } else if (!now.isBefore(closeAt)) {
            next = accepted >= r.policy().minUpdates() ? "CLOSE" : "NO_QUORUM";
        } else {
            next = "WAIT";
            wait = Math.max(1, Math.min(settings.maxWait().toSeconds(), Duration.between(now, closeAt).toSeconds() + 1));
        }
        Map<String, Object> out = out(roundId);
        out.put("next", next);
        out.put("accepted", accepted);
        out.put("quorum", r.policy().minUpdates());
        out.put("waitSeconds", wait);
        return out;
    }

    /** Ends a round that missed its quorum: no model, the reason recorded. */
    public Map<String, Object> noQuorum(String roundId) {
        Round r = round(roundId);
        long accepted = accepted(roundId).size();
        String reason = accepted + " accepted update(s) by the deadline, the quorum is " + r.policy().minUpdates();
        rounds.transition(roundId, EnumSet.of(RoundStatus.OPEN), RoundStatus.NO_QUORUM, reason);
        return outcome(round(roundId));
    }

    /** Records why a round failed: {@code error} and {@code cause} as Step Functions caught them. */
    public Map<String, Object> fail(String roundId, String error, String cause) {
        String reason = "a step failed: " + error + (cause == null || cause.isBlank() ? "" : ": " + cause);
        if (reason.length() > 1000) reason = reason.substring(0, 1000) + "...";
        rounds.transition(roundId, EnumSet.of(RoundStatus.OPEN, RoundStatus.CLOSED), RoundStatus.FAILED, reason);
        return outcome(round(roundId));
    }

    private static Map<String, Object> outcome(Round r) {
        Map<String, Object> out = out(r.roundId());
        out.put("status", r.status().name());
        out.put("reason", r.statusReason());
        return out;
    }

    /**
     * Closes the round to uploads and writes its plan (once; a re-run reads the plan back). Returns the
     * fan-out: batch and shard indexes for the two map states.
     */
    public Map<String, Object> close(String roundId) {
        Round r = round(roundId);
        if (r.status() == RoundStatus.OPEN) rounds.transition(roundId, EnumSet.of(RoundStatus.OPEN), RoundStatus.CLOSED, null);
        r = round(roundId);
        if (r.status() != RoundStatus.CLOSED) throw new IllegalStateException("round " + roundId + " is " + r.status() + ", it cannot be aggregated");
        RoundPlan plan = findPlan(roundId);
        if (plan == null) {
            // the ledger is read after the close: the acceptance transaction checks the round is OPEN, so no
            // update can be accepted after this read
            plan = RoundPlan.of(roundId, r.templateId(), r.policy().rule(), r.normBound(), Math.toIntExact(r.template().parameterCount()),
                    settings.batchSize(), settings.shardBudgetFloats(), r.baseModel(), accepted(roundId));
            put(work, key(roundId, "plan.json"), plan.toJson().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> out = out(roundId);
        out.put("kind", plan.kind().name());
        out.put("updates", plan.size());
        out.put("batches", IntStream.range(0, plan.batches()).boxed().toList());
        out.put("shards", plan.kind() == RoundPlan.Kind.SUM ? List.of() : IntStream.range(0, plan.shards()).boxed().toList());
        return out;
    }

    // ---------------------------------------------------------------- the aggregation fan-out

    /** Decodes one batch: decrypts and checks its updates, writes them shard-major with their norms (and FedAvg's partial sum). */
    public Map<String, Object> decode(String roundId, int batch) {
        RoundPlan plan = plan(roundId);
        Round r = round(roundId);
        byte[] key = privateKey(r);
        int from = plan.batchStart(batch), to = plan.batchEnd(batch), n = to - from;
        float[][] values = new float[n][];
        double[] norms = new double[n];
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            RoundPlan.Entry e = plan.updates().get(from + i);
            try {
                values[i] = SpilledUpdates.decode(r, key, record(roundId, e), updates);
            } catch (IOException io) {
                throw new TransientStepException("could not read update " + e.contentHash() + " (" + e.objectKey() + ")", io);
            }
            norms[i] = NormClipping.norm(values[i]);
            samples[i] = e.samples();
        }
        put(work, key(roundId, "batch-" + batch + ".f32"), FanOut.encodeBatch(plan, values));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("batch", batch);
        meta.put("norms", norms);
        put(work, key(roundId, "batch-" + batch + ".json"), Json.write(meta).getBytes(StandardCharsets.UTF_8));
        if (plan.kind() == RoundPlan.Kind.SUM) {
            FedAvg.Partial p = FanOut.sumPartial(plan, values, samples, norms);
            put(work, key(roundId, "partial-" + batch + ".bin"), FanOut.partialBytes(p));
        }
        Map<String, Object> out = out(roundId);
        out.put("batch", batch);
        out.put("updates", n);
        return out;
    }

    /** Reduces one coordinate shard over all K updates: the statistic's values, or Multi-Krum's partial distances. */
    public Map<String, Object> reduce(String roundId, int shard) {
        RoundPlan plan = plan(roundId);
        int width = plan.shardEnd(shard) - plan.shardStart(shard);
        float[] block = new float[Math.multiplyExact(plan.size(), width)];
        for (int b = 0; b < plan.batches(); b++) {
            int n = plan.batchEnd(b) - plan.batchStart(b);
            long[] range = FanOut.shardRange(plan, n, shard);
            byte[] bytes = range(work, key(roundId, "batch-" + b + ".f32"), range[0], Math.toIntExact(range[1]));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(block, plan.batchStart(b) * width, n * width);
        }
        UpdateSource view = FanOut.shardView(plan, block, width, norms(plan));
        byte[] result = plan.kind() == RoundPlan.Kind.KRUM ? doubles(FanOut.reduceDistances(plan, view)) : floats(FanOut.reduceStatistic(plan, view));
        put(work, key(roundId, "shard-" + shard + ".bin"), result);
        Map<String, Object> out = out(roundId);
        out.put("shard", shard);
        return out;
    }

    /** Combines the fan-out into the candidate model (base + aggregate) and the aggregation record. */
    public Map<String, Object> combine(String roundId) {
        RoundPlan plan = plan(roundId);
        double[] norms = norms(plan);
        int[] selected = null;
        float[] delta;
        switch (plan.kind()) {
            case SUM -> {
                FedAvg.Partial[] partials = new FedAvg.Partial[plan.batches()];
                for (int b = 0; b < partials.length; b++) partials[b] = FanOut.partialOf(get(work, key(roundId, "partial-" + b + ".bin")), plan.scaleBits());
                delta = FanOut.combineSums(partials);
            }
            case COORDINATE -> {
                delta = new float[plan.dimension()];
                for (int s = 0; s < plan.shards(); s++) {
                    float[] part = readFloats(get(work, key(roundId, "shard-" + s + ".bin")));
                    System.arraycopy(part, 0, delta, plan.shardStart(s), part.length);
                }
            }
            case KRUM -> {
                double[][] uppers = new double[plan.shards()][];
                for (int s = 0; s < uppers.length; s++) uppers[s] = readDoubles(get(work, key(roundId, "shard-" + s + ".bin")));
                selected = FanOut.krumSelect(plan, uppers);
                delta = averageOf(plan, selected, norms);
            }
            default -> throw new IllegalStateException();
        }
        ModelParameters base = baseModel(plan);
        ModelParameters candidate = base.plus(delta);
        put(work, key(roundId, "candidate.safetensors"), candidate.toSafeTensors());
        double[] weights = FanOut.weights(plan, selected);
        List<Object> list = new ArrayList<>();
        for (int k = 0; k < plan.size(); k++) {
            RoundPlan.Entry e = plan.updates().get(k);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("trader", e.trader());
            u.put("contentHash", e.contentHash());
            u.put("uploadId", e.uploadId());
            u.put("samples", e.samples());
            u.put("norm", norms[k]);
            u.put("weight", weights[k]);
            u.put("clipped", plan.clipScale(norms[k]) < 1);
            list.add(u);
        }
        Map<String, Object> agg = new LinkedHashMap<>();
        agg.put("rule", plan.rule());
        agg.put("baseModel", plan.baseModel());
        agg.put("candidate", candidate.hash());
        agg.put("updates", list);
        put(work, key(roundId, "aggregate.json"), Json.write(agg).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> out = out(roundId);
        out.put("candidate", candidate.hash());
        return out;
    }

    /** Multi-Krum's kept updates averaged exactly (sample-weighted, clipped), read batch by batch. */
    private float[] averageOf(RoundPlan plan, int[] selected, double[] norms) {
        long samples = 0;
        for (int k : selected) samples += plan.updates().get(k).samples();
        int bits = FedAvg.scaleBits(plan.valueBound(), samples);
        FedAvg.Partial total = null;
        for (int b = 0; b < plan.batches(); b++) {
            int from = plan.batchStart(b), to = plan.batchEnd(b);
            List<Integer> mine = new ArrayList<>();
            for (int k : selected) if (k >= from && k < to) mine.add(k);
            if (mine.isEmpty()) continue;
            ByteBuffer file = ByteBuffer.wrap(get(work, key(plan.roundId(), "batch-" + b + ".f32")));
            float[][] values = new float[mine.size()][];
            long[] s = new long[mine.size()];
            double[] n = new double[mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                values[i] = FanOut.decodeUpdate(plan, file, to - from, mine.get(i) - from);
                s[i] = plan.updates().get(mine.get(i)).samples();
                n[i] = norms[mine.get(i)];
            }
            FedAvg.Partial p = FanOut.sumPartial(plan, values, s, n, bits);
            total = total == null ? p : total.plus(p);
        }
        return total.average();
    }

    // ---------------------------------------------------------------- evaluate, score, publish

    /** Scores the base and the candidate model on the round's validation window. */
    public Map<String, Object> evaluate(String roundId) {
        Round r = round(roundId);
        RoundPlan plan = plan(roundId);
        ModelParameters candidate = ModelParameters.fromSafeTensors(get(work, key(roundId, "candidate.safetensors")));
        Map<String, Object> evaluation = new LinkedHashMap<>();
        try (Evaluator evaluator = evaluators.apply(r)) {
            evaluation.put("validation", Map.of("market", r.policy().validation().market(),
                    "from", r.policy().validation().from().toString(), "to", r.policy().validation().to().toString()));
            evaluation.put("base", evaluator.evaluate(baseModel(plan)).toMap());
            evaluation.put("candidate", evaluator.evaluate(candidate).toMap());
        }
        put(work, key(roundId, "evaluation.json"), Json.write(evaluation).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> out = out(roundId);
        out.putAll(evaluation);
        return out;
    }

    /**
     * Contribution scores: leave-one-out and GTG-Shapley on the validation utility (-log loss), each
     * coalition's model rebuilt by aggregating just its updates onto the base with the round's rule
     * (FedAvg with the same clipping for coalitions too small for a robust rule), within the round's
     * evaluation budget; then payout shares.
     */
    public Map<String, Object> score(String roundId) {
        Round r = round(roundId);
        RoundPlan plan = plan(roundId);
        ModelParameters base = baseModel(plan);
        AggregationStrategy rule = Strategies.parse(plan.rule(), plan.valueBound());
        AggregationStrategy fallback = plan.clipNorm() > 0 ? new NormClipping(plan.clipNorm(), new FedAvg(plan.valueBound())) : new FedAvg(plan.valueBound());
        List<ContributionScore> result = new ArrayList<>();
        Contributions.Result loo;
        Contributions.Result shapley;
        try (MappedUpdates all = load(plan); Evaluator evaluator = evaluators.apply(r)) {
            int n = plan.size();
            io.conflux.contribution.Utility utility = coalition -> {
                if (coalition.isEmpty()) return evaluator.evaluate(base).utility();
                UpdateSource members = new Subset(all, coalition.stream().toArray());
                float[] delta;
                try {
                    delta = rule.aggregate(members).values();
                } catch (IllegalArgumentException tooFew) {
                    delta = fallback.aggregate(members).values();
                }
                return evaluator.evaluate(base.plus(delta)).utility();
            };
            loo = Contributions.leaveOneOut(n, utility);
            int budget = Math.max(1, r.policy().scoreBudget() - loo.evaluations());
            shapley = Contributions.gtgShapley(n, utility, r.policy().seed(), 1e-4, budget, 0.01);
            long[] ppm = Contributions.payoutPpm(shapley.scores());
            for (int k = 0; k < n; k++) {
                RoundPlan.Entry e = plan.updates().get(k);
                result.add(new ContributionScore(roundId, e.trader(), e.contentHash(), loo.scores()[k], shapley.scores()[k], ppm[k]));
            }
        } catch (IOException e) {
            throw new TransientStepException("could not load the updates of round " + roundId, e);
        }
        scores.putAll(result);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("utility", "-logLoss");
        doc.put("leaveOneOutEvaluations", loo.evaluations());
        doc.put("shapleyEvaluations", shapley.evaluations());
        doc.put("shapleyPermutations", shapley.permutations());
        List<Object> list = new ArrayList<>();
        for (ContributionScore s : result) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trader", s.trader());
            m.put("contentHash", s.contentHash());
            m.put("leaveOneOut", s.leaveOneOut());
            m.put("shapley", s.shapley());
            m.put("payoutPpm", s.payoutPpm());
            list.add(m);
        }
        doc.put("scores", list);
        put(work, key(roundId, "scores.json"), Json.write(doc).getBytes(StandardCharsets.UTF_8));
        Map<String, Object> out = out(roundId);
        out.put("traders", result.size());
        out.put("evaluations", loo.evaluations() + shapley.evaluations());
        return out;
    }

    /**
     * Publishes the candidate: ONNX and parameters in the models bucket (content-addressed, versioned
     * bucket), the signed receipt, the registry entry (which also marks the round PUBLISHED).
     */
    public Map<String, Object> publish(String roundId) {
        Round r = round(roundId);
        if (r.status() == RoundStatus.PUBLISHED) {
            // re-driven: writing again would add object versions to the models bucket; report what stands
            PublishedModel m = registry.find(r.templateId(), r.modelVersion())
                    .orElseThrow(() -> new IllegalStateException("round " + roundId + " is published as version " + r.modelVersion() + ", which the registry lacks"));
            return published(roundId, m.version(), m.parametersHash(), m.onnxSha256());
        }
        RoundPlan plan = plan(roundId);
        byte[] parameters = get(work, key(roundId, "candidate.safetensors"));
        ModelParameters candidate = ModelParameters.fromSafeTensors(parameters);
        String hash = candidate.hash();
        byte[] onnx = candidate.toOnnx();
        String onnxSha = HexFormat.of().formatHex(UpdateEnvelope.sha256(onnx));
        String onnxKey = "onnx/" + onnxSha + ".onnx";
        String parametersKey = "parameters/" + hash + ".safetensors";
        String onnxVersion = put(models, onnxKey, onnx);
        put(models, parametersKey, parameters);
        byte[] evaluation = get(work, key(roundId, "evaluation.json"));
        Map<String, Object> aggregate = parse(get(work, key(roundId, "aggregate.json")));
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("format", Receipt.FORMAT);
        receipt.put("roundId", roundId);
        receipt.put("templateId", r.templateId());
        receipt.put("rule", plan.rule());
        receipt.put("baseModel", plan.baseModel());
        receipt.put("model", hash);
        receipt.put("onnxSha256", onnxSha);
        receipt.put("updates", aggregate.get("updates"));
        receipt.put("evaluation", parse(evaluation));
        String receiptKey = "receipts/" + roundId + ".json";
        if (findBlob(models, receiptKey) == null) {
            put(models, receiptKey, Receipt.sign(receipt, platformKey.get()).getBytes(StandardCharsets.UTF_8));
        }
        long version = registry.publish(new PublishedModel(r.templateId(), 0, roundId, hash, onnxSha, onnxKey, onnxVersion,
                parametersKey, receiptKey, plan.rule(), plan.size(), new String(evaluation, StandardCharsets.UTF_8), clock.instant()));
        return published(roundId, version, hash, onnxSha);
    }

    private static Map<String, Object> published(String roundId, long version, String model, String onnxSha256) {
        Map<String, Object> out = out(roundId);
        out.put("version", version);
        out.put("model", model);
        out.put("onnxSha256", onnxSha256);
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private Round round(String roundId) {
        return rounds.find(roundId).orElseThrow(() -> new IllegalArgumentException("no round " + roundId));
    }

    private List<UploadRecord> accepted(String roundId) {
        return ledger.listRound(roundId).stream().filter(u -> u.status() == UploadStatus.ACCEPTED).toList();
    }

    private UploadRecord record(String roundId, RoundPlan.Entry e) {
        UploadRecord r = ledger.find(roundId, e.uploadId()).orElseThrow(() -> new IllegalStateException("upload " + e.uploadId() + " left the ledger"));
        if (r.status() != UploadStatus.ACCEPTED || !e.contentHash().equals(r.contentHash())) {
            throw new IllegalStateException("upload " + e.uploadId() + " is no longer the accepted update " + e.contentHash());
        }
        return r;
    }

    private byte[] privateKey(Round r) {
        try {
            return roundService.privateKey(r);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key of round " + r.roundId() + " cannot be unwrapped", e);
        }
    }

    private RoundPlan findPlan(String roundId) {
        byte[] b = findBlob(work, key(roundId, "plan.json"));
        if (b == null) return null;
        try {
            return RoundPlan.fromJson(new String(b, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("the plan of round " + roundId + " is unreadable", e);
        }
    }

    private RoundPlan plan(String roundId) {
        RoundPlan p = findPlan(roundId);
        if (p == null) throw new IllegalStateException("round " + roundId + " has no plan: it was never closed");
        return p;
    }

    private double[] norms(RoundPlan plan) {
        double[] norms = new double[plan.size()];
        for (int b = 0; b < plan.batches(); b++) {
            Map<String, Object> meta = parse(get(work, key(plan.roundId(), "batch-" + b + ".json")));
            List<?> list = (List<?>) meta.get("norms");
            for (int i = 0; i < list.size(); i++) norms[plan.batchStart(b) + i] = ((Number) list.get(i)).doubleValue();
        }
        return norms;
    }

    private ModelParameters baseModel(RoundPlan plan) {
        ModelTemplate t = ModelTemplate.parse(plan.templateId());
        if (Round.GENESIS.equals(plan.baseModel())) return ModelParameters.genesis(t);
        ModelParameters base = ModelParameters.fromSafeTensors(get(models, "parameters/" + plan.baseModel() + ".safetensors"));
        if (!base.hash().equals(plan.baseModel())) throw new IllegalStateException("the stored base model does not hash to " + plan.baseModel());
        return base;
    }

    /** The round's decoded updates, from the batch files, mapped outside the heap. */
    private MappedUpdates load(RoundPlan plan) throws IOException {
        long need = (long) plan.size() * plan.dimension() * Float.BYTES;
        long free = java.nio.file.Files.getFileStore(settings.tempDir()).getUsableSpace();
        if (need > free) {
            throw new IllegalStateException("scoring round " + plan.roundId() + " maps its " + plan.size() + " updates (" + need
                    + " bytes) but " + settings.tempDir() + " has " + free + " bytes free: give the score function more ephemeral storage or lower maxUpdates");
        }
        MappedUpdates m = new MappedUpdates(settings.tempDir(), plan.updates().stream().map(RoundPlan.Entry::contentHash).toList(),
                plan.updates().stream().mapToLong(RoundPlan.Entry::samples).toArray(), plan.dimension());
        try {
            for (int b = 0; b < plan.batches(); b++) {
                int from = plan.batchStart(b), n = plan.batchEnd(b) - from;
                ByteBuffer file = ByteBuffer.wrap(get(work, key(plan.roundId(), "batch-" + b + ".f32")));
                for (int i = 0; i < n; i++) m.write(from + i, FanOut.decodeUpdate(plan, file, n, i));
            }
            return m.map();
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    static String key(String roundId, String name) {
        return "rounds/" + roundId + "/" + name;
    }

    private static Map<String, Object> out(String roundId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roundId", roundId);
        return m;
    }

    private static Map<String, Object> parse(byte[] json) {
        try {
            return Json.object(new String(json, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable work document: " + e.getMessage(), e);
        }
    }

    private static String put(Blobs b, String key, byte[] bytes) {
        try {
            return b.put(key, bytes);
        } catch (IOException e) {
            throw new TransientStepException("could not write " + key, e);
        }
    }

    private static byte[] get(Blobs b, String key) {
        byte[] v = findBlob(b, key);
        if (v == null) throw new IllegalStateException("missing " + key + ": an earlier step did not finish");
        return v;
    }

    private static byte[] findBlob(Blobs b, String key) {
        try {
            return b.find(key).orElse(null);
        } catch (IOException e) {
            throw new TransientStepException("could not read " + key, e);
        }
    }

    private static byte[] range(Blobs b, String key, long from, int length) {
        try {
            return b.range(key, from, length);
        } catch (IOException e) {
            throw new TransientStepException("could not read " + key, e);
        }
    }

    static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static float[] readFloats(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    static byte[] doubles(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return b.array();
    }

    static double[] readDoubles(byte[] bytes) {
        double[] v = new double[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        return v;
    }

}
