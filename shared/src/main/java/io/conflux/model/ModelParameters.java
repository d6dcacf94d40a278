package io.conflux.model;

import io.conflux.update.SafeTensors;
import io.conflux.update.UpdateEnvelope;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A model of a template as one flat array (the tensors in template order), the form aggregation works
 * on. Stored as safetensors; identified by the SHA-256 of those bytes (the "parameters hash"), which
 * is how a round names the model it starts from.
 */
public record ModelParameters(ModelTemplate template, float[] values) {

    /** The seed of every template's genesis model: the same initial model for every trader and round. */
    public static final long GENESIS_SEED = 0;

    public ModelParameters {
        if (values.length != template.parameterCount()) {
            throw new IllegalArgumentException("template " + template.id() + " has " + template.parameterCount() + " parameters, not " + values.length);
        }
    }

    /**
     * The template's initial model: PyTorch's default LSTM and linear initialisation, uniform in
     * [-1/sqrt(hidden), 1/sqrt(hidden)], from a fixed seed, so anyone can rebuild it.
     */
    public static ModelParameters genesis(ModelTemplate t) {
        SplittableRandom rnd = new SplittableRandom(GENESIS_SEED);
        float[] v = new float[Math.toIntExact(t.parameterCount())];
        double bound = 1 / Math.sqrt(t.hidden());
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        return new ModelParameters(t, v);
    }

    public List<Tensor> tensors() {
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (TensorSpec s : template.tensors()) {
            int n = Math.toIntExact(s.elementCount());
            float[] part = new float[n];
            System.arraycopy(values, at, part, 0, n);
            out.add(new Tensor(s.name(), s.shape(), part));
            at += n;
        }
        return out;
    }

    /** This model plus an aggregated delta, rounded once per value to float32. */
    public ModelParameters plus(float[] delta) {
        if (delta.length != values.length) throw new IllegalArgumentException("delta has " + delta.length + " values, not " + values.length);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) out[i] = values[i] + delta[i];
        return new ModelParameters(template, out);
    }

    public byte[] toSafeTensors() {
        return SafeTensors.write(Map.of("conflux.template", template.id()), tensors());
    }

    public static ModelParameters fromSafeTensors(byte[] bytes) {
        SafeTensors.Parsed p = SafeTensors.read(bytes);
        ModelTemplate t = ModelTemplate.parse(p.metadata().get("conflux.template"));
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec s : t.tensors()) {
            SafeTensors.Entry e = p.entries().stream().filter(x -> x.name().equals(s.name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model lacks tensor " + s.name()));
            tensors.add(p.tensor(e));
        }
        return new ModelParameters(t, Tensor.flatten(tensors));
    }

    public String hash() {
        return HexFormat.of().formatHex(UpdateEnvelope.sha256(toSafeTensors()));
    }

    public byte[] toOnnx() {
        return OnnxExport.toOnnx(template, tensors());
    }
}
