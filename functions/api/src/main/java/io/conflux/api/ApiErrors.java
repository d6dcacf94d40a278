package io.conflux.api;

import io.conflux.identity.AuthenticationException;
import io.conflux.platform.PlatformException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Errors as {@code {"error": CODE, "message": "..."}} with the status their kind calls for. */
final class ApiErrors {
    private ApiErrors() {}

    @Produces
    @Singleton
    @Requires(classes = {PlatformException.class, ExceptionHandler.class})
    static final class Platform implements ExceptionHandler<PlatformException, HttpResponse<Dto.Error>> {
        @Override
        public HttpResponse<Dto.Error> handle(HttpRequest request, PlatformException e) {
            HttpStatus status = switch (e.kind()) {
                case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
                case UNAUTHORIZED -> HttpStatus.UNAUTHORIZED;
                case FORBIDDEN -> HttpStatus.FORBIDDEN;
                case NOT_FOUND -> HttpStatus.NOT_FOUND;
                case CONFLICT -> HttpStatus.CONFLICT;
                case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            };
            return HttpResponse.<Dto.Error>status(status).body(new Dto.Error(e.code(), e.getMessage()));
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {AuthenticationException.class, ExceptionHandler.class})
    static final class Auth implements ExceptionHandler<AuthenticationException, HttpResponse<Dto.Error>> {
        @Override
        public HttpResponse<Dto.Error> handle(HttpRequest request, AuthenticationException e) {
            return HttpResponse.<Dto.Error>status(HttpStatus.UNAUTHORIZED)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                    .body(new Dto.Error(e.reason().name(), e.getMessage()));
        }
    }
}
