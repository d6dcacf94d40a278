package io.conflux.api;

import io.conflux.aws.Platform;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.LambdaApplicationContextBuilder;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * The Lambda entry point behind API Gateway (HTTP API, payload format 2.0). The controllers are the
 * same ones the local runtime serves on Netty.
 */
public class ApiHandler extends APIGatewayV2HTTPEventFunction {
    public ApiHandler() {
        super();
        io.conflux.aws.SnapStart.prime("api", this::prime);
    }

    /**
     * Reads only: a round that cannot exist, then one request through routing, the controller and the JSON writer
     * ({@code GET /rounds} without a token: refused with a 401 before any data is touched).
     */
    public void prime() {
        getApplicationContext().getBean(Platform.class).prime();
        var http = com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod("GET").withPath("/rounds").withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("conflux-prime").build();
        handleRequest(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default")
                .withRawPath("/rounds").withRawQueryString("").withHeaders(java.util.Map.of("accept", "application/json")).withIsBase64Encoded(false)
                .withRequestContext(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("prime").withStage("$default").withRouteKey("$default").withDomainName("prime").withHttp(http).build())
                .build(), null);
    }

    public ApiHandler(ApplicationContext context) {
        super(context);
    }

    /**
     * Called once, first thing, when Lambda constructs the handler: the platform (SDK clients, TLS)
     * starts building on a second thread while Micronaut builds its context on this one. Lambda's
     * builder names its environments itself (function, lambda), so environment deduction is off.
     */
    @Override
    protected ApplicationContextBuilder newApplicationContextBuilder() {
        PlatformFactory.startBuilding();
        return super.newApplicationContextBuilder().deduceEnvironment(false);
    }

    /** The handler over a platform built elsewhere (the local runtime's Lambda mode, tests, benchmarks). */
    public static ApiHandler over(Platform platform) {
        return new ApiHandler(new LambdaApplicationContextBuilder().deduceEnvironment(false).singletons(platform).build().start());
    }
}
