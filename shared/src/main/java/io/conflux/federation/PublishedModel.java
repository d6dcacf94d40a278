package io.conflux.federation;

import java.time.Instant;

/**
 * A global model in the registry: which round made it, by which rule, what it scored, and where its
 * files are. {@code onnxSha256} is the hash that goes on-chain.
 *
 * @param metricsJson the evaluation of the round (validation metrics of the base and of this model)
 */
public record PublishedModel(String templateId, long version, String roundId, String parametersHash, String onnxSha256,
                             String onnxKey, String onnxVersionId, String parametersKey, String receiptKey, String rule,
                             int updates, String metricsJson, Instant publishedAt) {}
