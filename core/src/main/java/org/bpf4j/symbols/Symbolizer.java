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

    /** The kernel's symbols ({@link KernelSymbols#system()}). */
    public synchronized KernelSymbols kernel() {
        if (kernel == null) kernel = KernelSymbols.system();
        return kernel;
    }

    /** The symbols of process {@code pid}. */
    public ProcessSymbols process(int pid) {
        return processes.computeIfAbsent(pid, p -> new ProcessSymbols(p, files));
    }

    /** A kernel address's frame, or null. */
    public Frame kernel(long addr) {
        return kernel().resolve(addr);
    }

    /** A user address of {@code pid}, or null. */
    public Frame user(int pid, long addr) {
        return process(pid).resolve(addr);
    }
}
