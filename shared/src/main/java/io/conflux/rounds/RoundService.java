package io.conflux.rounds;

import io.conflux.crypto.KeyProtector;
import io.conflux.crypto.RoundKeys;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.PlatformException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.ThreadLocalRandom;

/** Opens rounds (each with its own encryption key) and reads them. */
public final class RoundService {
    /** Room in an update for the envelope around the tensors: magic, HPKE, framing, signature, safetensors header. */
    public static final long ENVELOPE_OVERHEAD_BYTES = 16 * 1024;
    public static final double DEFAULT_NORM_BOUND = 10.0;
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RoundStore rounds;
    private final KeyProtector keys;
    private final Clock clock;
    private final RoundPolicy defaults;
    private final Function<String, String> currentModel;
    private final WorkflowStarter workflows;

    /**
     * @param defaults     the policy of a round whose request does not give one
     * @param currentModel the parameters hash of the latest published model of a template, or null if none
     * @param workflows    starts a round's workflow once the round is open; null where no workflow runs
     *                     (a round then waits for {@link #startWorkflow})
     */
    public RoundService(RoundStore rounds, KeyProtector keys, Clock clock, RoundPolicy defaults, Function<String, String> currentModel,
                        WorkflowStarter workflows) {
        this.rounds = rounds;
        this.keys = keys;
        this.clock = clock;
        this.defaults = defaults;
        this.currentModel = currentModel;
        this.workflows = workflows;
    }

    public RoundService(RoundStore rounds, KeyProtector keys, Clock clock, RoundPolicy defaults, Function<String, String> currentModel) {
        this(rounds, keys, clock, defaults, currentModel, null);
    }

    /** An open round and the execution of its workflow (null where this service starts none). */
    public record Opened(Round round, String execution) {}

    /**
     * What an operator asks for; nulls take defaults (generated id, the standard template, the
     * template's size plus envelope overhead, a norm bound of {@value #DEFAULT_NORM_BOUND}).
     */
    public record OpenRequest(String roundId, String templateId, Duration duration, Long maxUpdateBytes, Double normBound,
                              RoundPolicy policy) {
        public OpenRequest(String roundId, String templateId, Duration duration, Long maxUpdateBytes, Double normBound) {
            this(roundId, templateId, duration, maxUpdateBytes, normBound, null);
        }
    }

    public RoundPolicy defaults() {
        return defaults;
    }

    /**
     * Opens a round and starts its workflow. The round is stored first: if the workflow then cannot be
     * started, the round stays (nothing is lost) and the error says how to start it again.
     *
     * @throws PlatformException UNAVAILABLE (code WORKFLOW_NOT_STARTED) if the workflow did not start
     */
    public Opened openAndStart(OpenRequest req) {
        Round round = open(req);
        return new Opened(round, workflows == null ? null : startWorkflow(round.roundId()));
    }

    /**
     * Starts the workflow of a round that is still open or closed (again: a workflow already started
     * is not started twice).
     */
    public String startWorkflow(String roundId) {
        Round round = get(roundId);
        if (workflows == null) throw PlatformException.conflict("NO_WORKFLOW", "no round workflow is configured here");
        if (round.status() != RoundStatus.OPEN && round.status() != RoundStatus.CLOSED) {
            throw PlatformException.conflict("ROUND_FINISHED", "round " + roundId + " is " + round.status() + ": its workflow has ended");
        }
        try {
            return workflows.start(roundId);
        } catch (RuntimeException e) {
            throw PlatformException.unavailable("WORKFLOW_NOT_STARTED", "round " + roundId + " is open but its workflow did not start ("
                    + e.getMessage() + "); start it with POST /rounds/" + roundId + "/workflow");
        }
    }

    /** Opens a round without starting its workflow (see {@link #openAndStart}). */
    public Round open(OpenRequest req) {
        Instant now = clock.instant();
        String id = req.roundId() != null ? req.roundId()
                : "r-" + ID_TIME.format(now) + "-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        ModelTemplate template;
        try {
            Round.requireValidId(id);
            template = req.templateId() == null ? ModelTemplate.standard() : ModelTemplate.parse(req.templateId());
        } catch (IllegalArgumentException e) {
            throw PlatformException.badRequest("INVALID_ROUND", e.getMessage());
        }
        if (req.duration() == null || req.duration().isNegative() || req.duration().isZero()) {
            throw PlatformException.badRequest("INVALID_ROUND", "a round needs a positive duration");
        }
        long maxBytes = req.maxUpdateBytes() != null ? req.maxUpdateBytes() : template.tensorBytes() + ENVELOPE_OVERHEAD_BYTES;
        if (maxBytes < template.tensorBytes()) {
            throw PlatformException.badRequest("INVALID_ROUND", "maxUpdateBytes " + maxBytes + " cannot hold the template's " + template.tensorBytes() + " bytes of tensors");
        }
        double bound = req.normBound() != null ? req.normBound() : DEFAULT_NORM_BOUND;
        RoundPolicy policy = req.policy() != null ? req.policy() : defaults;
        try {
            policy.checkedFor(bound, template.parameterCount());
        } catch (IllegalArgumentException e) {
            throw PlatformException.badRequest("INVALID_ROUND", e.getMessage());
        }
        String base = currentModel.apply(template.id());
        RoundKeys.KeyPair kp = RoundKeys.generate();
        byte[] wrapped;
        try {
            wrapped = keys.protect(kp.privateKey(), id);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not protect the round key", e);
        }
        Round round;
        try {
            round = new Round(id, template.id(), RoundStatus.OPEN, now, now.plus(req.duration()), maxBytes, bound, kp.publicKey(), wrapped,
                    policy, base == null ? Round.GENESIS : base, null, 0);
        } catch (IllegalArgumentException e) {
            throw PlatformException.badRequest("INVALID_ROUND", e.getMessage());
        }
        try {
            rounds.create(round);
        } catch (IllegalStateException exists) {
            throw PlatformException.conflict("ROUND_EXISTS", "round " + id + " already exists");
        }
        return round;
    }

    public Round get(String roundId) {
        return rounds.find(roundId).orElseThrow(() -> PlatformException.notFound("ROUND_NOT_FOUND", "no round " + roundId));
    }

    /** Newest first. */
    public List<Round> list() {
        return rounds.list().stream().sorted(Comparator.comparing(Round::openedAt).reversed()).toList();
    }

    /** The round's private key, unwrapped: only the aggregation path calls this. */
    public byte[] privateKey(Round round) throws GeneralSecurityException {
        return keys.unprotect(round.protectedPrivateKey(), round.roundId());
    }
}
