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
        Round r = platform.rounds().open(new RoundService.OpenRequest(body.roundId(), body.templateId(),
                Duration.ofSeconds(body.durationSeconds()), body.maxUpdateBytes(), body.normBound()));
        return HttpResponse.created(Dto.RoundView.of(r, platform.clock().instant()));
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
