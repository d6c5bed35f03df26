package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * Signal dispositions inherited from the parent process. A shell starts the background jobs of a
 * non-interactive script with SIGINT and SIGQUIT ignored, and the JVM then leaves them ignored:
 * it installs no handler for an ignored signal, and {@code sun.misc.Signal.handle} keeps it
 * ignored too. A tool that must stop on {@code kill -INT} (as libbpf-tools do, whose handler is
 * installed unconditionally) first resets the signal to its default action here.
 */
public final class Signals {
    private Signals() {}

    /** Linux's {@code SIGINT} and {@code SIGTERM}. */
    public static final int SIGINT = 2, SIGTERM = 15;

    private static final long SIG_IGN = 1;
    /** The kernel's {@code struct sigaction}: handler, flags, restorer (x86_64) and an 8-byte mask, 32 bytes at most. */
    private static final int SIGACTION_BYTES = 32, SIGSET_BYTES = 8;

    /**
     * Whether {@code signal} is ignored by this process.
     *
     * @param signal the signal number, such as 2 for {@code SIGINT}
     * @return true if its disposition is {@code SIG_IGN}
     */
    public static boolean ignored(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
            Errors.check(Native.call(SysNr.RT_SIGACTION, signal, 0, old.address(), SIGSET_BYTES, 0, 0),
                    "rt_sigaction", "signal " + signal);
            return old.get(JAVA_LONG, 0) == SIG_IGN;
        }
    }

    /**
     * Gives {@code signal} back its default action when it is ignored (any other disposition is
     * left alone), so that a handler installed afterwards takes effect; returns whether it was
     * ignored.
     *
     * @param signal the signal number, such as 2 for {@code SIGINT}
     * @return true if it was ignored and now has its default action
     */
    public static boolean unignore(int signal) {
        if (!ignored(signal)) return false;
        try (Arena arena = Arena.ofConfined()) {
            // SIG_DFL, no flags, empty mask: all zero on every architecture
            MemorySegment act = arena.allocate(SIGACTION_BYTES, 8);
            Errors.check(Native.call(SysNr.RT_SIGACTION, signal, act.address(), 0, SIGSET_BYTES, 0, 0),
                    "rt_sigaction", "signal " + signal);
        }
        return true;
    }
}
