package io.conflux.model;

/** Element types a model tensor may have. Only float32 today; the names are the safetensors dtype names. */
public enum DType {
    F32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
