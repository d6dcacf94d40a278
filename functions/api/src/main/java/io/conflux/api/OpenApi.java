package io.conflux.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP API's OpenAPI 3.1 document, read off the controllers themselves (their routes, path and query
 * parameters, bodies, whether they take a session) and the {@link Dto} records (their JSON shapes), so it cannot
 * drift from what is served. Served at {@code GET /openapi.json}, for whoever builds a web or mobile app against
 * the API (the local runtime's {@code serve} prints where).
 */
final class OpenApi {
    static final List<Class<?>> CONTROLLERS = List.of(AuthController.class, RoundsController.class, ModelsController.class,
            AgentController.class, SettlementsController.class, OpenApiController.class);

    private OpenApi() {}

    /** One route: method, path template, and the Java method serving it. */
    record Route(String method, String path, Method handler) {}

    static List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (Class<?> c : CONTROLLERS) {
            String base = c.getAnnotation(Controller.class).value();
            if (base.equals("/")) base = "";
            for (Method m : c.getDeclaredMethods()) {
                Get get = m.getAnnotation(Get.class);
                Post post = m.getAnnotation(Post.class);
                if (get != null) out.add(new Route("GET", join(base, get.value()), m));
                if (post != null) out.add(new Route("POST", join(base, post.value()), m));
            }
        }
        out.sort(Comparator.comparing(Route::path).thenComparing(Route::method));
        return out;
    }

    /** {@code /rounds} + {@code /} is {@code /rounds}: a method without a path serves its controller's. */
    private static String join(String base, String path) {
        String p = base + (path.equals("/") ? "" : path);
        return p.isEmpty() ? "/" : p;
    }

    static Map<String, Object> document() {
        Map<String, Object> schemas = new TreeMap<>();
        schemas.put("Error", schemaOf(Dto.Error.class, schemas));
        Map<String, Object> paths = new TreeMap<>();
        for (Route r : routes()) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("operationId", r.handler().getDeclaringClass().getSimpleName().replace("Controller", "").toLowerCase(java.util.Locale.ROOT)
                    + Character.toUpperCase(r.handler().getName().charAt(0)) + r.handler().getName().substring(1));
            List<Map<String, Object>> parameters = new ArrayList<>();
            boolean signedIn = false;
            for (Parameter p : r.handler().getParameters()) {
                if (p.isAnnotationPresent(PathVariable.class)) {
                    parameters.add(Map.of("name", p.getName(), "in", "path", "required", true, "schema", schemaOf(p.getParameterizedType(), schemas)));
                } else if (p.isAnnotationPresent(QueryValue.class)) {
                    parameters.add(Map.of("name", p.getName(), "in", "query", "required", false, "schema", schemaOf(p.getParameterizedType(), schemas)));
                } else if (p.isAnnotationPresent(Header.class) && "Authorization".equalsIgnoreCase(p.getAnnotation(Header.class).value())) {
                    signedIn = true;
                } else if (p.isAnnotationPresent(Body.class)) {
                    op.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema", schemaOf(p.getParameterizedType(), schemas)))));
                }
            }
            if (!parameters.isEmpty()) op.put("parameters", parameters);
            if (signedIn) op.put("security", List.of(Map.of("session", List.of())));
            Map<String, Object> responses = new LinkedHashMap<>();
            String ok = r.method().equals("POST") && r.handler().getReturnType() == HttpResponse.class ? "201" : "200";
            responses.put(ok, Map.of("description", "OK", "content", Map.of("application/json", Map.of("schema", schemaOf(unwrap(r.handler().getGenericReturnType()), schemas)))));
            if (signedIn) responses.put("401", error("no session, or a token that is malformed, forged or expired", "UNAUTHORIZED"));
            responses.put("default", error("a refusal with its reason: 400 bad input, 403 not allowed, 404 not found, 409 conflict, 503 not configured", "ERROR"));
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), k -> new TreeMap<>());
            item.put(r.method().toLowerCase(java.util.Locale.ROOT), op);
            op.put("responses", responses);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Conflux API", "version", "1",
                "description", "Federated training rounds, published models, the trading agent's record and settlement. "
                        + "Sign in with a wallet (EIP-4361: POST /auth/nonce, sign the message, POST /auth/login) and send the "
                        + "token as Authorization: Bearer. Amounts are integers in base units. Errors are {\"error\": CODE, \"message\"}."));
        doc.put("servers", List.of(Map.of("url", "/")));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas,
                "securitySchemes", Map.of("session", Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT"))));
        return doc;
    }

    private static Map<String, Object> error(String description, String code) {
        return Map.of("description", description, "content", Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error"))));
    }

    private static Type unwrap(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() == HttpResponse.class) return p.getActualTypeArguments()[0];
        return t;
    }

    /** A JSON schema for a Java type; records become named component schemas. */
    static Map<String, Object> schemaOf(Type t, Map<String, Object> schemas) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (List.class.isAssignableFrom(raw)) return Map.of("type", "array", "items", schemaOf(p.getActualTypeArguments()[0], schemas));
            if (Map.class.isAssignableFrom(raw)) {
                Type v = p.getActualTypeArguments()[1];
                return v == Object.class ? Map.of("type", "object") : Map.of("type", "object", "additionalProperties", schemaOf(v, schemas));
            }
            return schemaOf(raw, schemas);
        }
        Class<?> c = (Class<?>) t;
        if (c == String.class) return Map.of("type", "string");
        if (c == long.class || c == Long.class || c == int.class || c == Integer.class) return Map.of("type", "integer");
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) return Map.of("type", "number");
        if (c == boolean.class || c == Boolean.class) return Map.of("type", "boolean");
        if (c.isRecord()) {
            String name = c.getSimpleName();
            if (!schemas.containsKey(name)) {
                schemas.put(name, Map.of()); // a placeholder against recursion
                Map<String, Object> properties = new LinkedHashMap<>();
                List<String> required = new ArrayList<>();
                for (RecordComponent rc : c.getRecordComponents()) {
                    properties.put(rc.getName(), schemaOf(rc.getGenericType(), schemas));
                    if (!rc.isAnnotationPresent(Nullable.class) && !rc.getAccessor().isAnnotationPresent(Nullable.class)) required.add(rc.getName());
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("type", "object");
                s.put("properties", properties);
                if (!required.isEmpty()) s.put("required", required);
                schemas.put(name, s);
            }
            return Map.of("$ref", "#/components/schemas/" + name);
        }
        if (Map.class.isAssignableFrom(c)) return Map.of("type", "object");
        if (List.class.isAssignableFrom(c)) return Map.of("type", "array");
        throw new IllegalStateException("no JSON schema for " + c + ": add it to OpenApi.schemaOf");
    }
}
