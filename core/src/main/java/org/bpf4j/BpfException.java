package org.bpf4j;

/**
 * Root of every exception bpf4j throws. Unchecked: a failure to load or attach a BPF program is
 * rarely something the immediate caller can fix, and the message alone says what went wrong and
 * what to do about it.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the whole message, in one line where possible
     */
    public BpfException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message the whole message, in one line where possible
     * @param cause the underlying failure
     */
    public BpfException(String message, Throwable cause) {
        super(message, cause);
    }
}
