package io.conflux.trade;

import io.conflux.agent.Advisor;
import java.util.Objects;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * An advisor on Amazon Bedrock through the Converse API (any model that takes a system prompt: Claude, Llama,
 * Mistral, Nova). The client's API-call timeout bounds the whole call.
 */
public final class BedrockAdvisor implements Advisor {
    private final BedrockRuntimeClient client;
    private final String modelId;

    public BedrockAdvisor(BedrockRuntimeClient client, String modelId) {
        this.client = client;
        this.modelId = modelId;
    }

    @Override
    public Result advise(Request request) {
        ConverseResponse r;
        try {
            r = client.converse(b -> b.modelId(modelId)
                    .system(SystemContentBlock.fromText(AdviceParser.SYSTEM_PROMPT))
                    .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(AdviceParser.requestJson(request))).build())
                    .inferenceConfig(c -> c.temperature(0f).maxTokens(400)));
        } catch (ApiCallTimeoutException | ApiCallAttemptTimeoutException e) {
            return Result.failed("no answer from Bedrock in time: " + e.getMessage());
        } catch (SdkException e) {
            return Result.failed("Bedrock refused or failed: " + AdviceParser.abbreviate(String.valueOf(e.getMessage())));
        }
        if (r.output() == null || r.output().message() == null) return Result.failed("Bedrock returned no message");
        String text = r.output().message().content().stream().map(ContentBlock::text).filter(Objects::nonNull).findFirst().orElse(null);
        return AdviceParser.parse(text);
    }
}
