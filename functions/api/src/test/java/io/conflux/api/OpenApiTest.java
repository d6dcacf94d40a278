package io.conflux.api;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.conflux.aws.Platform;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import io.micronaut.context.ApplicationContext;
import io.micronaut.web.router.Router;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The OpenAPI document against what Micronaut actually routes, served to anyone over both transports. */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
    private Platform platform;
    private Api lambda;
    private Api http;

    @BeforeAll
    void setUp(LocalAws aws) {
        platform = Fixtures.platform(aws);
        lambda = Api.lambda(platform);
        http = Api.http(platform);
    }

    @AfterAll
    void tearDown() {
        lambda.shutdown();
        http.shutdown();
    }

    @Test
    void theDocumentListsExactlyTheRoutesMicronautServes() {
        Set<String> routed = new TreeSet<>();
        try (ApplicationContext ctx = ApplicationContext.builder().singletons(platform).build().start()) {
            ctx.getBean(Router.class).uriRoutes().forEach(r -> {
                if (r.getHttpMethodName().equals("HEAD")) return; // Micronaut answers HEAD for every GET by itself
                String path = r.getUriMatchTemplate().toString();
                routed.add(r.getHttpMethodName() + " " + (path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
            });
        }
        Set<String> documented = new TreeSet<>();
        JsonNode doc = http.get("/openapi.json", null).json();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        assertEquals(routed, documented);
        assertTrue(documented.size() >= 24, documented.toString());
    }

    @Test
    void theDocumentIsServedToAnyone_overBothTransports_andIsWhole() {
        Api.Response viaLambda = lambda.get("/openapi.json", null);
        Api.Response viaHttp = http.get("/openapi.json", null);
        assertEquals(200, viaLambda.status());
        assertEquals(200, viaHttp.status());
        assertEquals(viaHttp.json(), viaLambda.json());
        JsonNode doc = viaHttp.json();
        assertEquals("3.1.0", doc.get("openapi").asText());

        JsonNode schemas = doc.at("/components/schemas");
        Matcher refs = Pattern.compile("\"\\$ref\":\"#/components/schemas/([A-Za-z]+)\"").matcher(doc.toString());
        int n = 0;
        while (refs.find()) {
            n++;
            assertTrue(schemas.has(refs.group(1)), "unresolved $ref " + refs.group(1));
        }
        assertTrue(n > 20, "refs: " + n);

        for (Iterator<String> it = doc.get("paths").fieldNames(); it.hasNext(); ) {
            String path = it.next();
            for (JsonNode op : doc.get("paths").get(path)) {
                Matcher vars = Pattern.compile("\\{(\\w+)}").matcher(path);
                while (vars.find()) {
                    String name = vars.group(1);
                    boolean declared = false;
                    for (JsonNode p : op.path("parameters")) declared |= p.get("in").asText().equals("path") && p.get("name").asText().equals(name);
                    assertTrue(declared, path + " declares {" + name + "}");
                }
            }
        }
        // what needs a session says so, and what does not does not
        assertTrue(doc.at("/paths/~1me~1payouts/get/security").isArray());
        assertTrue(doc.at("/paths/~1epochs/get/security").isMissingNode());
        assertTrue(doc.at("/paths/~1auth~1login/post/security").isMissingNode());
        assertEquals("#/components/schemas/LoginRequest", doc.at("/paths/~1auth~1login/post/requestBody/content/application~1json/schema/$ref").asText());
        assertEquals("201", doc.at("/paths/~1rounds~1{roundId}~1uploads/post/responses").fieldNames().next());
        // a record's nullable components are optional; the rest are required
        JsonNode open = schemas.get("OpenRoundRequest");
        assertFalse(open.has("required") && open.get("required").toString().contains("roundId"), open.toString());
        assertTrue(schemas.at("/LoginResponse/required").toString().contains("token"));
    }
}
