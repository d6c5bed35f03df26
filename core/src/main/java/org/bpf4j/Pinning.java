package org.bpf4j;

/** How a map is pinned ({@code __uint(pinning, ...)} in {@code .maps}, libbpf's {@code enum libbpf_pin_type}). */
public enum Pinning {
    /** {@code LIBBPF_PIN_NONE}: the map is not pinned. */
    NONE(0),
    /** {@code LIBBPF_PIN_BY_NAME}: the map is pinned under its name in {@link LoadOptions#pinRoot()}. */
    BY_NAME(1);

    private final int code;

    Pinning(int code) {
        this.code = code;
    }

    /**
     * The value of the {@code pinning} attribute.
     *
     * @return 0 or 1
     */
    public int code() {
        return code;
    }

    /**
     * The pinning of an attribute value.
     *
     * @param code the value
     * @return the pinning, or null for a value libbpf does not define
     */
    public static Pinning of(int code) {
        return code == 0 ? NONE : code == 1 ? BY_NAME : null;
    }
}
