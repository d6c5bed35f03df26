package org.bpf4j.symbols;

/**
 * A symbolized address: the symbol it falls in, its offset from the symbol's start, and the
 * module that holds it (a kernel module's name, a mapped file's path, {@code [perf-map]} for a
 * JIT's perf map; null for the kernel image itself).
 *
 * @param name the symbol's name
 * @param offset the address's offset from the symbol's start, in bytes
 * @param module the module, or null for the kernel image
 */
public record Frame(String name, long offset, String module) {
    /**
     * {@code name+0xoffset}, as libbpf-tools' verbose output writes a frame.
     *
     * @return the frame as text
     */
    public String withOffset() {
        return name + "+0x" + Long.toHexString(offset);
    }

    @Override
    public String toString() {
        return withOffset() + (module == null ? "" : " [" + module + "]");
    }
}
