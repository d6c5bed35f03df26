package org.bpf4j;

/**
 * The running kernel lacks something a program, map or attachment needs. The message names the
 * feature and, where known, the first kernel version or configuration option that provides it.
 */
public class FeatureNotSupportedException extends BpfException {
    private static final long serialVersionUID = 1L;
    /** The missing feature's short name. */
    private final String feature;

    /**
     * Creates the exception: "{@code feature} is not supported by this kernel", then {@code detail}.
     *
     * @param feature a short name of the missing feature, such as {@code "map type RINGBUF"}
     * @param detail the kernel version or option that provides it, or null
     */
    public FeatureNotSupportedException(String feature, String detail) {
        super(detail == null ? feature + " is not supported by this kernel"
                : feature + " is not supported by this kernel: " + detail);
        this.feature = feature;
    }

    /**
     * Creates the exception with the failure that revealed the missing feature.
     *
     * @param feature a short name of the missing feature, such as {@code "map type RINGBUF"}
     * @param detail the kernel version or option that provides it, or null
     * @param cause the underlying failure, such as a {@link SyscallException}
     */
    public FeatureNotSupportedException(String feature, String detail, Throwable cause) {
        this(feature, detail);
        initCause(cause);
    }

    private FeatureNotSupportedException(String feature, String message, boolean whole) {
        super(message);
        this.feature = feature;
    }

    /**
     * The exception for {@code feature} with a message written whole by the caller.
     *
     * @param feature a short name of the missing feature
     * @param message the complete message
     * @return the exception, for the caller to throw
     */
    public static FeatureNotSupportedException withMessage(String feature, String message) {
        return new FeatureNotSupportedException(feature, message, true);
    }

    /**
     * A short name of the missing feature, such as {@code "map type RINGBUF"}.
     *
     * @return the feature's name
     */
    public String feature() {
        return feature;
    }
}
