package io.conflux.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX graph of a {@link ModelTemplate} with given weights: what is published as the global model
 * and what the trading agent and the evaluation run (with ONNX Runtime, through DJL or directly).
 *
 * <pre>
 *   candles [batch, window, features]  --Transpose(1,0,2)-->  [window, batch, features]  --LSTM-->
 *   Y_h [1, batch, hidden]  --Squeeze(0)-->  h [batch, hidden]  --Gemm(head.W^T, head.b)-->
 *   logits [batch, classes]  --Softmax(1)-->  probabilities
 * </pre>
 *
 * The template's tensors are already in the ONNX LSTM layout (gate order i, o, f, c; B = [Wb ; Rb]), so
 * they become the graph's initializers unchanged. Opset 17; the batch dimension is symbolic. The LSTM
 * runs sequence-first (layout 0) because ONNX Runtime's CPU kernel refuses layout 1.
 */
public final class OnnxExport {
    public static final String INPUT = "candles";
    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    public static final int OPSET = 17;
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
    private static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;

    private OnnxExport() {}

    /** Serialized ONNX model bytes; the weights must match the template exactly. */
    public static byte[] toOnnx(ModelTemplate t, List<Tensor> weights) {
        Map<String, Tensor> byName = new HashMap<>();
        for (Tensor w : weights) byName.put(w.name(), w);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("conflux-" + t.id().replace('/', '-'));
        for (TensorSpec spec : t.tensors()) {
            Tensor w = byName.remove(spec.name());
            if (w == null || !spec.matches(w.shape())) throw new IllegalArgumentException("weights do not match template tensor " + spec);
            g.addInitializer(floatTensor(spec.name(), w.shape(), w.values()));
        }
        if (!byName.isEmpty()) throw new IllegalArgumentException("weights not in the template: " + byName.keySet());
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("squeeze_axes").setDataType(INT64).addDims(1).addInt64Data(0));

        g.addInput(valueInfo(INPUT, "batch", t.window(), t.features()));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("time_major").addInput(INPUT).addOutput("x")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("perm").setType(OnnxMl.AttributeProto.AttributeType.INTS)
                        .addInts(1).addInts(0).addInts(2)));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("LSTM").setName("lstm")
                .addInput("x").addInput(ModelTemplate.LSTM_W).addInput(ModelTemplate.LSTM_R).addInput(ModelTemplate.LSTM_B)
                .addOutput("").addOutput("lstm_h")
                .addAttribute(intAttr("hidden_size", t.hidden())));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Squeeze").setName("last_hidden").addInput("lstm_h").addInput("squeeze_axes").addOutput("h"));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gemm").setName("head").addInput("h").addInput(ModelTemplate.HEAD_W)
                .addInput(ModelTemplate.HEAD_B).addOutput(LOGITS).addAttribute(intAttr("transB", 1)));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Softmax").setName("softmax").addInput(LOGITS).addOutput(PROBABILITIES)
                .addAttribute(intAttr("axis", 1)));
        g.addOutput(valueInfo(LOGITS, "batch", t.classes()));
        g.addOutput(valueInfo(PROBABILITIES, "batch", t.classes()));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("conflux").setDomain("io.conflux")
                .setDocString(t.id()).addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g).build().toByteArray();
    }

    private static OnnxMl.TensorProto floatTensor(String name, int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT).setRawData(ByteString.copyFrom(b.array()));
        for (int d : shape) t.addDims(d);
        return t.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, String batchDim, int... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batchDim));
        for (int d : dims) shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }
}
