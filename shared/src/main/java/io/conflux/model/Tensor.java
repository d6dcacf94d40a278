package io.conflux.model;

import java.util.Arrays;

/** A float32 tensor: a name, a shape and its values in row-major order. */
public record Tensor(String name, int[] shape, float[] values) {

    public Tensor {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + name);
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + " (" + n + " values) but " + values.length + " values");
        }
    }

    /** All values of the tensors, one after another in the given (template) order: an update as aggregation sees it. */
    public static float[] flatten(java.util.List<Tensor> tensors) {
        int n = 0;
        for (Tensor t : tensors) n = Math.addExact(n, t.values.length);
        float[] out = new float[n];
        int at = 0;
        for (Tensor t : tensors) {
            System.arraycopy(t.values, 0, out, at, t.values.length);
            at += t.values.length;
        }
        return out;
    }

    public static Tensor zeros(TensorSpec spec) {
        return new Tensor(spec.name(), spec.shape(), new float[Math.toIntExact(spec.elementCount())]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape) && Arrays.equals(t.values, values);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Tensor[" + name + Arrays.toString(shape) + "]";
    }
}
