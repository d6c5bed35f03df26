package org.bpf4j;

/**
 * The running kernel lacks something a program, map or attachment needs. The message names the
 * feature and, where known, the first kernel version or configuration option that provides it.
 */
public class FeatureNotSupportedException extends BpfException {
    private static final long serialVersionUID = 1L;
    private final String feature;

    public FeatureNotSupportedException(String feature, String detail) {
        super(detail == null ? feature + " is not supported by this kernel"
                : feature + " is not supported by this kernel: " + detail);
        this.feature = feature;
    }

    public FeatureNotSupportedException(String feature, String detail, Throwable cause) {
        this(feature, detail);
        initCause(cause);
    }

    private FeatureNotSupportedException(String feature, String message, boolean whole) {
        super(message);
        this.feature = feature;
    }

    /** The exception for {@code feature} with a message written whole by the caller. */
    public static FeatureNotSupportedException withMessage(String feature, String message) {
        return new FeatureNotSupportedException(feature, message, true);
    }

    /** A short name of the missing feature, such as {@code "map type RINGBUF"}. */
    public String feature() {
        return feature;
    }
}
