package io.conflux.api;

import io.conflux.aws.Platform;
import io.conflux.identity.AuthenticationException;
import io.conflux.identity.Session;
import io.conflux.identity.SessionTokens;
import io.conflux.identity.SignInService;
import io.conflux.platform.PlatformException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;

/**
 * Sign-In with Ethereum. {@code POST /auth/nonce} gives a single-use nonce and the values the EIP-4361
 * message must carry; {@code POST /auth/login} takes the signed message and returns a bearer token.
 */
@Controller
final class AuthController {
    private final Platform platform;
    private final Authenticator auth;

    AuthController(Platform platform, Authenticator auth) {
        this.platform = platform;
        this.auth = auth;
    }

    @Post("/auth/nonce")
    Dto.Challenge nonce() {
        SignInService.Challenge c = platform.signIn().challenge();
        return new Dto.Challenge(c.nonce(), c.issuedAt().toString(), c.expiresAt().toString(), c.domain(), c.uri(), c.chainId(),
                SignInService.STATEMENT);
    }

    @Post("/auth/login")
    Dto.LoginResponse login(@Body Dto.LoginRequest body) throws AuthenticationException {
        if (body == null || body.message() == null || body.signature() == null) {
            throw PlatformException.badRequest("INVALID_LOGIN", "send {\"message\": <EIP-4361 text>, \"signature\": <0x hex>}");
        }
        SessionTokens.Issued issued = platform.signIn().signIn(body.message(), body.signature());
        Session s = issued.session();
        return new Dto.LoginResponse(issued.token(), s.address(), s.roles().stream().map(Enum::name).sorted().toList(),
                s.expiresAt().toString());
    }

    @Get("/me")
    Dto.Trader me(@Nullable @Header("Authorization") String authorization) throws AuthenticationException {
        Session s = auth.require(authorization);
        var t = platform.traders().find(s.address())
                .orElseThrow(() -> PlatformException.notFound("TRADER_NOT_FOUND", "no trader " + s.address()));
        return new Dto.Trader(t.address(), t.registeredAt().toString(), t.lastSignInAt().toString(),
                s.roles().stream().map(Enum::name).sorted().toList());
    }
}
