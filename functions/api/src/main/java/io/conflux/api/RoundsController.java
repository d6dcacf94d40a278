package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import io.conflux.platform.PlatformException;
import io.conflux.rounds.Round;
import io.conflux.rounds.RoundService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.time.Duration;
import java.util.List;

/** Rounds, and the upload URLs and upload verdicts within them. Every endpoint needs a signed-in caller. */
@Controller("/rounds")
final class RoundsController {
    private final Platform platform;
    private final Authenticator auth;

    RoundsController(Platform platform, Authenticator auth) {
        this.platform = platform;
        this.auth = auth;
    }

    /** Operators only. */
    @Post
    HttpResponse<Dto.RoundView> open(@Nullable @Header("Authorization") String authorization, @Body Dto.OpenRoundRequest body)
            throws AuthenticationException {
        Session s = auth.require(authorization);
        if (!s.isOperator()) throw PlatformException.forbidden("OPERATOR_ONLY", "only an operator can open a round");
        if (body == null || body.durationSeconds() == null) {
            throw PlatformException.badRequest("INVALID_ROUND", "durationSeconds is required");
        }
        RoundService rounds = platform.rounds();
        RoundService.Opened o = rounds.openAndStart(new RoundService.OpenRequest(body.roundId(), body.templateId(),
                Duration.ofSeconds(body.durationSeconds()), body.maxUpdateBytes(), body.normBound(),
                body.policy() == null ? null : body.policy().over(rounds.defaults())));
        return HttpResponse.created(Dto.RoundView.of(o.round(), platform.clock().instant(), o.execution()));
    }

    /** Operators only: starts a round's workflow if it did not start when the round opened (a started one is not started twice). */
    @Post("/{roundId}/workflow")
    HttpResponse<Dto.RoundView> startWorkflow(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId)
            throws AuthenticationException {
        Session s = auth.require(authorization);
        if (!s.isOperator()) throw PlatformException.forbidden("OPERATOR_ONLY", "only an operator can start a round's workflow");
        String execution = platform.rounds().startWorkflow(roundId);
        return HttpResponse.accepted().body(Dto.RoundView.of(platform.rounds().get(roundId), platform.clock().instant(), execution));
    }

    /** The round's outcome: status and reason, and the model it published (with download URLs). */
    @Get("/{roundId}/result")
    Dto.RoundResult result(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId)
            throws AuthenticationException {
        auth.require(authorization);
        Round r = platform.rounds().get(roundId);
        Dto.ModelView model = r.modelVersion() <= 0 ? null : platform.models().find(r.templateId(), r.modelVersion())
                .map(m -> Dto.ModelView.of(m, platform, true)).orElse(null);
        return new Dto.RoundResult(Dto.RoundView.of(r, platform.clock().instant()), model);
    }

    /** Contribution scores of the round's accepted updates (empty until the round's Score step has run). */
    @Get("/{roundId}/scores")
    Dto.RoundScores scores(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId)
            throws AuthenticationException {
        auth.require(authorization);
        Round r = platform.rounds().get(roundId);
        return new Dto.RoundScores(roundId, r.status().name(), "-logLoss",
                platform.scores().round(roundId).stream().map(Dto.Score::of).toList());
    }

    @Get
    List<Dto.RoundView> list(@Nullable @Header("Authorization") String authorization) throws AuthenticationException {
        auth.require(authorization);
        var now = platform.clock().instant();
        return platform.rounds().list().stream().map(r -> Dto.RoundView.of(r, now)).toList();
    }

    @Get("/{roundId}")
    Dto.RoundView get(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId)
            throws AuthenticationException {
        auth.require(authorization);
        return Dto.RoundView.of(platform.rounds().get(roundId), platform.clock().instant());
    }

    /** A presigned PUT URL for one update of exactly {@code contentLength} bytes. */
    @Post("/{roundId}/uploads")
    HttpResponse<Dto.UploadTicket> upload(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId,
                                          @Body Dto.UploadRequest body) throws AuthenticationException {
        Session s = auth.require(authorization);
        if (body == null || body.contentLength() == null) {
            throw PlatformException.badRequest("INVALID_CONTENT_LENGTH", "contentLength (bytes of the sealed update) is required");
        }
        return HttpResponse.created(Dto.UploadTicket.of(platform.uploads().issue(s, roundId, body.contentLength())));
    }

    @Get("/{roundId}/uploads/{uploadId}")
    Dto.Upload status(@Nullable @Header("Authorization") String authorization, @PathVariable String roundId,
                      @PathVariable String uploadId) throws AuthenticationException {
        Session s = auth.require(authorization);
        return Dto.Upload.of(platform.uploads().status(s, roundId, uploadId));
    }
}
