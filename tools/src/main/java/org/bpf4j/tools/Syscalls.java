package org.bpf4j.tools;

/** The x86_64 system call table ({@link SyscallNames}, generated) for the other modules (the exporter's syscall decoder). */
public final class Syscalls {
    private Syscalls() {}

    /** The name of system call {@code nr}, or null when the table has none. */
    public static String name(long nr) {
        if (nr < 0 || nr >= SyscallNames.count()) return null;
        String n = SyscallNames.name((int) nr);
        return n.startsWith("[") ? null : n;
    }
}
