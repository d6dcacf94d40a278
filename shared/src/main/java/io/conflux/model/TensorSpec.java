package io.conflux.model;

import java.util.Arrays;

/** A named tensor of a model template: its shape and element type. */
public record TensorSpec(String name, int[] shape, DType dtype) {

    public TensorSpec {
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension: " + Arrays.toString(shape));
        }
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public boolean matches(int[] otherShape) {
        return Arrays.equals(shape, otherShape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && Arrays.equals(t.shape, shape) && t.dtype == dtype;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype;
    }
}
