package io.conflux.trader;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.conflux.model.ModelParameters;
import io.conflux.model.ModelTemplate;
import io.conflux.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The round template's LSTM classifier as a DJL block on PyTorch: windows (batch x window x features)
 * -> one LSTM layer -> its last hidden state -> a dense layer -> class logits. Its weights are the
 * template's tensors, which are laid out for the ONNX {@code LSTM} operator; this class maps between
 * the two layouts exactly, so a network trained here is the model the platform evaluates and trades.
 *
 * <p>Gate order: PyTorch keeps the four gates as (input, forget, cell, output); ONNX as (input,
 * output, forget, cell). ONNX's bias is PyTorch's input-to-hidden bias followed by its hidden-to-hidden
 * bias.
 */
public final class LstmNetwork implements AutoCloseable {
    static {
        // nothing is downloaded at run time: the PyTorch natives come from the pytorch-native-cpu jar
        System.setProperty("ai.djl.offline", "true");
    }

    /** ONNX gate block of each PyTorch gate block: i -> i, f -> f (2), g -> c (3), o -> o (1). */
    private static final int[] ONNX_GATE_OF_TORCH = {0, 2, 3, 1};

    private final ModelTemplate template;
    private final Model model;
    private final Parameter wIh;
    private final Parameter wHh;
    private final Parameter bIh;
    private final Parameter bHh;
    private final Parameter headW;
    private final Parameter headB;

    private LstmNetwork(ModelTemplate template, Model model) {
        this.template = template;
        this.model = model;
        Parameter[] p = new Parameter[6];
        for (Pair<String, Parameter> e : model.getBlock().getParameters()) {
            String n = e.getKey();
            int slot = n.endsWith("i2h_WEIGHT") ? 0 : n.endsWith("h2h_WEIGHT") ? 1 : n.endsWith("i2h_BIAS") ? 2 : n.endsWith("h2h_BIAS") ? 3
                    : n.endsWith("weight") ? 4 : n.endsWith("bias") ? 5 : -1;
            if (slot < 0 || p[slot] != null) throw new IllegalStateException("unexpected parameter " + n + " in the LSTM network");
            p[slot] = e.getValue();
        }
        for (Parameter x : p) if (x == null) throw new IllegalStateException("the LSTM network lacks a parameter");
        wIh = p[0];
        wHh = p[1];
        bIh = p[2];
        bHh = p[3];
        headW = p[4];
        headB = p[5];
    }

    /** A network on PyTorch holding the given parameters (the round's base model, to train from). */
    public static LstmNetwork of(ModelParameters parameters) {
        ModelTemplate t = parameters.template();
        Model model = Model.newInstance("conflux-lstm", "PyTorch");
        try {
            model.setBlock(block(t));
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, t.window(), t.features()));
            LstmNetwork net = new LstmNetwork(t, model);
            net.load(parameters);
            return net;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    static Block block(ModelTemplate t) {
        SequentialBlock b = new SequentialBlock();
        b.add(LSTM.builder().setStateSize(t.hidden()).setNumLayers(1).optBatchFirst(true).optReturnState(false).build());
        b.add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().get(":, -1, :")), "last-step"));
        b.add(Linear.builder().setUnits(t.classes()).build());
        return b;
    }

    public ModelTemplate template() {
        return template;
    }

    public Model model() {
        return model;
    }

    /** Class logits for windows given as batch x window x features values (row-major). */
    public float[] logits(float[] windows, int batch) {
        try (NDManager nd = model.getNDManager().newSubManager()) {
            NDArray x = nd.create(windows, new Shape(batch, template.window(), template.features()));
            NDList out = model.getBlock().forward(new ParameterStore(nd, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    /** Sets the network's weights from template parameters. */
    public void load(ModelParameters parameters) {
        if (!parameters.template().equals(template)) throw new IllegalArgumentException("parameters of " + parameters.template().id() + ", network of " + template.id());
        List<Tensor> t = parameters.tensors();
        int h = template.hidden();
        wIh.getArray().set(toTorchGates(t.get(0).values(), h, template.features()));
        wHh.getArray().set(toTorchGates(t.get(1).values(), h, h));
        float[] b = t.get(2).values();
        float[] onnxWb = java.util.Arrays.copyOfRange(b, 0, 4 * h), onnxRb = java.util.Arrays.copyOfRange(b, 4 * h, 8 * h);
        bIh.getArray().set(toTorchGates(onnxWb, h, 1));
        bHh.getArray().set(toTorchGates(onnxRb, h, 1));
        headW.getArray().set(t.get(3).values());
        headB.getArray().set(t.get(4).values());
    }

    /** The network's weights as template parameters (the ONNX layout). */
    public ModelParameters parameters() {
        int h = template.hidden();
        float[] w = toOnnxGates(wIh.getArray().toFloatArray(), h, template.features());
        float[] r = toOnnxGates(wHh.getArray().toFloatArray(), h, h);
        float[] wb = toOnnxGates(bIh.getArray().toFloatArray(), h, 1);
        float[] rb = toOnnxGates(bHh.getArray().toFloatArray(), h, 1);
        float[] b = new float[8 * h];
        System.arraycopy(wb, 0, b, 0, 4 * h);
        System.arraycopy(rb, 0, b, 4 * h, 4 * h);
        List<Tensor> tensors = new ArrayList<>();
        var specs = template.tensors();
        float[][] values = {w, r, b, headW.getArray().toFloatArray(), headB.getArray().toFloatArray()};
        for (int i = 0; i < specs.size(); i++) tensors.add(new Tensor(specs.get(i).name(), specs.get(i).shape(), values[i]));
        return new ModelParameters(template, Tensor.flatten(tensors));
    }

    /** Rows of 4 gate blocks (each hidden x cols) from ONNX order to PyTorch order. */
    static float[] toTorchGates(float[] onnx, int hidden, int cols) {
        float[] out = new float[onnx.length];
        int block = hidden * cols;
        for (int g = 0; g < 4; g++) System.arraycopy(onnx, ONNX_GATE_OF_TORCH[g] * block, out, g * block, block);
        return out;
    }

    static float[] toOnnxGates(float[] torch, int hidden, int cols) {
        float[] out = new float[torch.length];
        int block = hidden * cols;
        for (int g = 0; g < 4; g++) System.arraycopy(torch, g * block, out, ONNX_GATE_OF_TORCH[g] * block, block);
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
