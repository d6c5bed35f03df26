package org.bpf4j.sys;

/**
 * Whether {@link Native} is initialised, without initialising it: code that has a faster path
 * through a system call (and a plain-Java one) asks here first, so that it never pays for the FFM
 * set-up on its own.
 */
public final class NativeState {
    private NativeState() {}

    static volatile boolean ready;

    /** True once the FFM downcall exists. */
    public static boolean ready() {
        return ready;
    }
}
