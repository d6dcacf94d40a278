package io.conflux.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conflux.aws.Platform;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The HTTP API seen by a client, over either transport: the Lambda handler, or Netty on loopback. */
interface Api {
    ObjectMapper JSON = new ObjectMapper();

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Response call(String method, String path, String token, Object body);

    default Response get(String path, String token) {
        return call("GET", path, token, null);
    }

    default Response post(String path, String token, Object body) {
        return call("POST", path, token, body);
    }

    /** Not close(): JUnit closes AutoCloseable arguments after each parameterized invocation. */
    void shutdown();

    static String json(Object body) {
        try {
            return body == null ? null : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The Lambda handler, fed API Gateway HTTP API (payload 2.0) events as API Gateway sends them. */
    static Api lambda(Platform platform) {
        ApiHandler handler = ApiHandler.over(platform);
        return new Api() {
            @Override
            public Response call(String method, String path, String token, Object body) {
                APIGatewayV2HTTPResponse r = handler.handleRequest(event(method, path, token, json(body)), null);
                String out = r.getBody();
                if (r.getIsBase64Encoded() && out != null) out = new String(Base64.getDecoder().decode(out));
                return new Response(r.getStatusCode(), out);
            }

            @Override
            public void shutdown() {
                handler.close();
            }

            @Override
            public String toString() {
                return "Lambda handler";
            }
        };
    }

    static APIGatewayV2HTTPEvent event(String method, String pathAndQuery, String token, String body) {
        // API Gateway splits the query off the path: rawPath, rawQueryString and the decoded parameters
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        Map<String, String> params = new HashMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) continue;
            String[] p = kv.split("=", 2);
            params.put(java.net.URLDecoder.decode(p[0], java.nio.charset.StandardCharsets.UTF_8),
                    p.length > 1 ? java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8) : "");
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        if (token != null) headers.put("authorization", "Bearer " + token);
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath(path).withRawQueryString(query)
                .withQueryStringParameters(params.isEmpty() ? null : params)
                .withHeaders(headers).withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId(UUID.randomUUID().toString())
                        .withStage("$default").withRouteKey("$default").withDomainName("api.conflux.test")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("conflux-test").build())
                        .build())
                .build();
    }

    static int freePort() {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same controllers on Netty, over real HTTP. */
    static Api http(Platform platform) {
        ApplicationContext ctx = ApplicationContext.builder().singletons(platform)
                .properties(Map.of("micronaut.server.port", freePort(), "micronaut.server.host", "127.0.0.1",
                            // the controllers block (DynamoDB, S3): run them off Netty's event loop. In Lambda
                            // there is no event loop, so the controllers carry no @ExecuteOn of their own.
                            "micronaut.server.thread-selection", "BLOCKING")).build().start();
        EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new Api() {
            @Override
            public Response call(String method, String path, String token, Object body) {
                String json = json(body);
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getURL() + path)).header("accept", "application/json")
                        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
                if (json != null) b.header("content-type", "application/json");
                if (token != null) b.header("authorization", "Bearer " + token);
                try {
                    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    return new Response(r.statusCode(), r.body());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void shutdown() {
                server.stop();
                ctx.close();
            }

            @Override
            public String toString() {
                return "Netty server";
            }
        };
    }
}
