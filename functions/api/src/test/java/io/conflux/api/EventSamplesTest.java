package io.conflux.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.conflux.aws.Platform;
import io.conflux.ingest.IngestHandler;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import io.conflux.update.RejectionReason;
import io.conflux.update.UploadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every sample in events/ goes to its handler, and gives the outcome events/README.md promises. */
@ExtendWith(SharedStandIns.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventSamplesTest {
    private static final ObjectMapper LAMBDA_JSON = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Path EVENTS = Path.of(System.getProperty("conflux.events.dir", "../../events"));
    private Platform platform;
    private ApiHandler api;

    @BeforeAll
    void setUp(LocalAws aws) {
        platform = Fixtures.platform(aws);
        api = ApiHandler.over(platform);
    }

    private JsonNode callApi(String sample, int expectedStatus) throws Exception {
        APIGatewayV2HTTPEvent event = LAMBDA_JSON.readValue(EVENTS.resolve("api").resolve(sample).toFile(), APIGatewayV2HTTPEvent.class);
        APIGatewayV2HTTPResponse r = api.handleRequest(event, null);
        assertEquals(expectedStatus, r.getStatusCode(), sample + ": " + r.getBody());
        return LAMBDA_JSON.readTree(r.getBody());
    }

    @Test
    void everySampleIsCoveredHere() throws Exception {
        // events/round/ is covered by RoundEventSamplesTest (functions/round), events/trade/ by TradeEventSamplesTest (functions/trade),
        // events/settle/ by SettlementTest (functions/settle)
        for (String dir : new String[] {"api", "ingest"}) assertTrue(Files.isDirectory(EVENTS.resolve(dir)), dir);
        try (Stream<Path> files = Files.walk(EVENTS)) {
            assertEquals(6, files.filter(p -> p.toString().endsWith(".json") && !EVENTS.relativize(p).startsWith("round")
                            && !EVENTS.relativize(p).startsWith("trade") && !EVENTS.relativize(p).startsWith("settle")).count(),
                    "a new sample needs its case in this test");
        }
    }

    @Test
    void api_nonce() throws Exception {
        JsonNode body = callApi("post-auth-nonce.json", 200);
        assertTrue(body.get("nonce").asText().matches("[A-Za-z0-9]{8,}"));
        assertEquals(Fixtures.CHAIN_ID, body.get("chainId").asLong());
    }

    @Test
    void api_refusals() throws Exception {
        assertEquals("TOKEN_MISSING", callApi("get-rounds-without-token.json", 401).get("error").asText());
        assertEquals("TOKEN_BAD_SIGNATURE", callApi("get-round-forged-token.json", 401).get("error").asText());
        assertEquals("MALFORMED_MESSAGE", callApi("post-auth-login-malformed.json", 401).get("error").asText());
    }

    @Test
    void ingest_objectCreated_isRecorded() throws Exception {
        SQSEvent event = LAMBDA_JSON.readValue(EVENTS.resolve("ingest/sqs-s3-object-created.json").toFile(), SQSEvent.class);
        assertTrue(new IngestHandler(platform).handleRequest(event, null).getBatchItemFailures().isEmpty());
        var record = platform.ledger().find("sample-round", "0123456789abcdef0123456789abcdef").orElseThrow();
        assertEquals(UploadStatus.REJECTED, record.status());
        assertEquals(RejectionReason.ROUND_NOT_FOUND, record.reason());
        assertEquals(31337L, record.objectBytes());
    }

    @Test
    void ingest_testEvent_isIgnored() throws Exception {
        SQSEvent event = LAMBDA_JSON.readValue(EVENTS.resolve("ingest/sqs-s3-test-event.json").toFile(), SQSEvent.class);
        assertEquals(1, event.getRecords().size());
        assertTrue(new IngestHandler(platform).handleRequest(event, null).getBatchItemFailures().isEmpty());
    }
}
