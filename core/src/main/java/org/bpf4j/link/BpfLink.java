package org.bpf4j.link;

/**
 * An attachment of a program to a hook. Closing it detaches the program. Every attach method
 * returns one; {@link org.bpf4j.BpfObject} also closes the links of its programs when it closes.
 */
public interface BpfLink extends AutoCloseable {
    /** What the program is attached to, for messages ({@code tracepoint raw_syscalls/sys_enter}). */
    String target();

    /** Whether the link still holds its attachment. */
    boolean isOpen();

    /** Detaches; idempotent. */
    @Override
    void close();
}
