package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.model.ModelTemplate;
import io.conflux.platform.PlatformException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;

/**
 * The published global models of a template ({@code ?templateId=}, default the standard template):
 * what the trader's client starts from and the trading agent runs. Every endpoint needs a signed-in caller.
 */
@Controller("/models")
final class ModelsController {
    private final Platform platform;
    private final Authenticator auth;

    ModelsController(Platform platform, Authenticator auth) {
        this.platform = platform;
        this.auth = auth;
    }

    /** The newest model, with a presigned download of its ONNX file and of its signed receipt. */
    @Get("/current")
    Dto.ModelView current(@Nullable @Header("Authorization") String authorization, @Nullable @QueryValue String templateId)
            throws AuthenticationException {
        auth.require(authorization);
        String t = template(templateId);
        return platform.models().latest(t).map(m -> Dto.ModelView.of(m, platform, true))
                .orElseThrow(() -> PlatformException.notFound("NO_MODEL", "no model of template " + t + " has been published yet"));
    }

    /** Newest first, without download URLs. */
    @Get
    List<Dto.ModelView> list(@Nullable @Header("Authorization") String authorization, @Nullable @QueryValue String templateId)
            throws AuthenticationException {
        auth.require(authorization);
        return platform.models().list(template(templateId)).stream().map(m -> Dto.ModelView.of(m, platform, false)).toList();
    }

    @Get("/{version}")
    Dto.ModelView version(@Nullable @Header("Authorization") String authorization, @PathVariable long version,
                          @Nullable @QueryValue String templateId) throws AuthenticationException {
        auth.require(authorization);
        String t = template(templateId);
        return platform.models().find(t, version).map(m -> Dto.ModelView.of(m, platform, true))
                .orElseThrow(() -> PlatformException.notFound("NO_MODEL", "template " + t + " has no model version " + version));
    }

    /**
     * The model's backtest: its round's validation window through the agent's decision path (figures against
     * buy-and-hold, stress windows, curves, every trade with its rationale), written when the model was published.
     */
    @Get("/{version}/backtest")
    java.util.Map<String, Object> backtest(@Nullable @Header("Authorization") String authorization, @PathVariable long version,
                                           @Nullable @QueryValue String templateId) throws AuthenticationException {
        auth.require(authorization);
        String t = template(templateId);
        platform.models().find(t, version).orElseThrow(() -> PlatformException.notFound("NO_MODEL", "template " + t + " has no model version " + version));
        try {
            byte[] report = platform.modelsBucket().find("backtests/" + t + "/v" + version + ".json")
                    .orElseThrow(() -> PlatformException.notFound("NO_BACKTEST", "model " + version + " has no backtest report (it failed when the model was published)"));
            return io.conflux.platform.Json.object(new String(report, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw PlatformException.unavailable("MODELS_UNAVAILABLE", "the models bucket could not be read: " + e.getMessage());
        }
    }

    private static String template(String templateId) {
        if (templateId == null || templateId.isBlank()) return ModelTemplate.standard().id();
        try {
            return ModelTemplate.parse(templateId).id();
        } catch (IllegalArgumentException e) {
            throw PlatformException.badRequest("INVALID_TEMPLATE", e.getMessage());
        }
    }
}
