package org.bpf4j.symbols;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names stack addresses: kernel ones from kallsyms, user ones per process, each read lazily on
 * first use and cached (the ELF files too, shared between processes mapping the same path).
 */
public final class Symbolizer {
    private final Map<Integer, ProcessSymbols> processes = new ConcurrentHashMap<>();
    private final Map<String, ElfSymbols> files = new ConcurrentHashMap<>();
    private KernelSymbols kernel;

    /** An empty symbolizer: nothing is read until an address is asked for. Thread-safe. */
    public Symbolizer() {}

    /**
     * The kernel's symbols ({@link KernelSymbols#system()}).
     *
     * @return the kernel's symbols, read on first use
     */
    public synchronized KernelSymbols kernel() {
        if (kernel == null) kernel = KernelSymbols.system();
        return kernel;
    }

    /**
     * The symbols of process {@code pid}.
     *
     * @param pid the process id
     * @return the process's symbols, made on first use and kept
     */
    public ProcessSymbols process(int pid) {
        return processes.computeIfAbsent(pid, p -> new ProcessSymbols(p, files));
    }

    /**
     * A kernel address's frame, or null.
     *
     * @param addr a kernel address
     * @return the frame, or null
     */
    public Frame kernel(long addr) {
        return kernel().resolve(addr);
    }

    /**
     * A user address of {@code pid}, or null.
     *
     * @param pid the process id
     * @param addr a user address of {@code pid}
     * @return the frame, or null
     */
    public Frame user(int pid, long addr) {
        return process(pid).resolve(addr);
    }
}
