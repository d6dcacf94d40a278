package io.conflux.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.Map;

/** {@code GET /openapi.json}: the API's OpenAPI document (public: it describes, it holds nothing). */
@Controller("/openapi.json")
final class OpenApiController {
    private volatile Map<String, Object> document;

    @Get
    Map<String, Object> document() {
        if (document == null) document = OpenApi.document();
        return document;
    }
}
