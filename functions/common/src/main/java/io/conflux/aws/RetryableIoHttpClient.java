package io.conflux.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The URL-connection HTTP client with its I/O failures made visible to the SDK's retries. That client
 * throws some of them unchecked (a keep-alive connection the server closed, seen in its
 * {@code Expect: 100-continue} path as "Unexpected end of file from server"), and the SDK retries only
 * checked {@link IOException}s: without this, one dropped connection fails the call outright.
 */
final class RetryableIoHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;

    RetryableIoHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest r = delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    return r.call();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }

            @Override
            public void abort() {
                r.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
