package io.conflux.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model every trader trains in a round: an LSTM classifier over a window of candles.
 *
 * <pre>
 *   input [batch, window, features] -> LSTM(hidden) -> last hidden state -> dense(classes) -> softmax
 *   classes: 0 = down, 1 = flat, 2 = up (the next candle's direction)
 * </pre>
 *
 * Tensors are stored in the layout of the ONNX {@code LSTM} operator so that the published model is the
 * tensors themselves (one layer, one direction):
 * <ul>
 *   <li>{@code lstm.W} [1, 4*hidden, features]: input weights, gate blocks in ONNX order i, o, f, c</li>
 *   <li>{@code lstm.R} [1, 4*hidden, hidden]: recurrent weights, same gate order</li>
 *   <li>{@code lstm.B} [1, 8*hidden]: input biases then recurrent biases (ONNX {@code B = [Wb ; Rb]})</li>
 *   <li>{@code head.W} [classes, hidden], {@code head.b} [classes]: the dense layer, {@code logits = W h + b}</li>
 * </ul>
 * A PyTorch LSTM's gates are i, f, g, o; a client maps them (i->i, o->o, f->f, g->c) when exporting.
 *
 * <p>The identifier names the family, the format version and the dimensions, e.g.
 * {@code lstm-classifier/v1/w32-f24-h32-c3}; it is all a reader needs to know the tensors.
 */
public record ModelTemplate(int window, int features, int hidden, int classes) {

    public static final String FAMILY = "lstm-classifier";
    public static final int VERSION = 1;
    public static final String LSTM_W = "lstm.W";
    public static final String LSTM_R = "lstm.R";
    public static final String LSTM_B = "lstm.B";
    public static final String HEAD_W = "head.W";
    public static final String HEAD_B = "head.b";

    private static final Pattern ID = Pattern.compile(
            Pattern.quote(FAMILY) + "/v(\\d+)/w(\\d{1,5})-f(\\d{1,5})-h(\\d{1,5})-c(\\d{1,3})");

    public ModelTemplate {
        if (window < 1 || features < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("template dimensions must be positive (and at least 2 classes)");
        }
    }

    /** The template rounds use unless they say otherwise: 32 candles x 24 features, 32 hidden units, 3 classes. */
    public static ModelTemplate standard() {
        return new ModelTemplate(32, 24, 32, 3);
    }

    public static ModelTemplate parse(String id) {
        Matcher m = ID.matcher(id == null ? "" : id);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a model template id: '" + id + "' (expected e.g. " + standard().id() + ")");
        }
        int version = Integer.parseInt(m.group(1));
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported model template version v" + version + " (this build knows v" + VERSION + ")");
        }
        return new ModelTemplate(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
    }

    public String id() {
        return FAMILY + "/v" + VERSION + "/w" + window + "-f" + features + "-h" + hidden + "-c" + classes;
    }

    /** The tensors, in their canonical order (the order they are written in an update). */
    public List<TensorSpec> tensors() {
        return List.of(
                new TensorSpec(LSTM_W, new int[] {1, 4 * hidden, features}, DType.F32),
                new TensorSpec(LSTM_R, new int[] {1, 4 * hidden, hidden}, DType.F32),
                new TensorSpec(LSTM_B, new int[] {1, 8 * hidden}, DType.F32),
                new TensorSpec(HEAD_W, new int[] {classes, hidden}, DType.F32),
                new TensorSpec(HEAD_B, new int[] {classes}, DType.F32));
    }

    public long parameterCount() {
        return tensors().stream().mapToLong(TensorSpec::elementCount).sum();
    }

    /** Bytes of tensor data in an update of this template (float32). */
    public long tensorBytes() {
        return parameterCount() * DType.F32.bytes();
    }
}
