package org.bpf4j;

import java.nio.file.Path;
import java.util.Set;
import org.bpf4j.btf.Btf;

/**
 * How {@link ObjectSpec#load(LoadOptions)} loads an object.
 *
 * @param targetBtf   the kernel BTF to resolve CO-RE relocations against; null for the running
 *                    kernel's ({@code /sys/kernel/btf/vmlinux})
 * @param programs    names of the programs to load, or null for every program whose
 *                    {@link ProgramSpec#autoload()} is set
 * @param logLevel    verifier log level for every load (0: only on failure, as libbpf)
 * @param logSize     initial verifier log buffer size in bytes; grown on demand
 * @param pinRoot     directory for maps with {@code pinning = LIBBPF_PIN_BY_NAME}
 * @param kernelConfig the kernel configuration ({@code .config}, plain or gzip) that
 *                    {@code CONFIG_*} {@code __kconfig} externs read; null for the running
 *                    kernel's ({@code /proc/config.gz} or {@code /boot/config-$(uname -r)})
 */
public record LoadOptions(Btf targetBtf, Set<String> programs, int logLevel, int logSize, Path pinRoot,
                          Path kernelConfig) {

    /**
     * The defaults: the running kernel's BTF and configuration, every autoload program, log level 0, a 64 KiB log
     * buffer, pins under {@code /sys/fs/bpf}.
     *
     * @return the default options
     */
    public static LoadOptions defaults() {
        return new LoadOptions(null, null, 0, 1 << 16, Path.of("/sys/fs/bpf"), null);
    }

    /**
     * A copy with another target BTF.
     *
     * @param btf the BTF to relocate against, or null for the running kernel's
     * @return the new options
     */
    public LoadOptions withTargetBtf(Btf btf) {
        return new LoadOptions(btf, programs, logLevel, logSize, pinRoot, kernelConfig);
    }

    /**
     * A copy that loads only the named programs.
     *
     * @param names the program names (copied), or null for every autoload program
     * @return the new options
     */
    public LoadOptions withPrograms(Set<String> names) {
        return new LoadOptions(targetBtf, names == null ? null : Set.copyOf(names), logLevel, logSize, pinRoot,
                kernelConfig);
    }

    /**
     * A copy with another verifier log level.
     *
     * @param level 0 (log only on failure), 1 or 2 ({@code BPF_LOG_LEVEL1}, {@code BPF_LOG_LEVEL2})
     * @return the new options
     */
    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(targetBtf, programs, level, logSize, pinRoot, kernelConfig);
    }

    /**
     * A copy with another pin directory.
     *
     * @param root the directory for maps pinned by name; it must be on a bpf file system
     * @return the new options
     */
    public LoadOptions withPinRoot(Path root) {
        return new LoadOptions(targetBtf, programs, logLevel, logSize, root, kernelConfig);
    }

    /**
     * A copy that reads {@code __kconfig} values from another kernel configuration.
     *
     * @param config the {@code .config} file, plain or gzip, or null for the running kernel's
     * @return the new options
     */
    public LoadOptions withKernelConfig(Path config) {
        return new LoadOptions(targetBtf, programs, logLevel, logSize, pinRoot, config);
    }
}
