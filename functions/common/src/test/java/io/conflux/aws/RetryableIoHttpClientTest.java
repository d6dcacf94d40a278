package io.conflux.aws;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A connection dropped mid-request (as the URL-connection client reports it: unchecked) is retried by the SDK. */
@ExtendWith(SharedStandIns.class)
class RetryableIoHttpClientTest {

    /** The real client, with its first request failing the way the CI run saw it fail. */
    private static SdkHttpClient droppingFirst(SdkHttpClient real, AtomicInteger calls) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest r = real.prepareRequest(request);
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        if (calls.getAndIncrement() == 0) throw new UncheckedIOException(new SocketException("Unexpected end of file from server"));
                        return r.call();
                    }

                    @Override
                    public void abort() {
                        r.abort();
                    }
                };
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    private static DynamoDbClient dynamo(LocalAws aws, SdkHttpClient http) {
        var t = aws.target();
        return DynamoDbClient.builder().endpointOverride(t.dynamoEndpoint()).region(Region.of(t.region())).httpClient(http)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(t.accessKey(), t.secretKey()))).build();
    }

    @Test
    void aDroppedConnection_isRetried_andTheCallSucceeds(LocalAws aws) {
        AtomicInteger calls = new AtomicInteger();
        try (DynamoDbClient d = dynamo(aws, new RetryableIoHttpClient(droppingFirst(UrlConnectionHttpClient.create(), calls)))) {
            assertFalse(d.listTables().tableNames().isEmpty());
        }
        assertEquals(2, calls.get(), "one failed attempt, one retry");
    }

    @Test
    void withoutTheWrapper_theSameDropFailsTheCall(LocalAws aws) {
        AtomicInteger calls = new AtomicInteger();
        try (DynamoDbClient d = dynamo(aws, droppingFirst(UrlConnectionHttpClient.create(), calls))) {
            assertThrows(UncheckedIOException.class, d::listTables);
        }
        assertEquals(1, calls.get(), "the SDK did not retry");
    }
}
