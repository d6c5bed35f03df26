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

    public static LoadOptions defaults() {
        return new LoadOptions(null, null, 0, 1 << 16, Path.of("/sys/fs/bpf"), null);
    }

    public LoadOptions withTargetBtf(Btf btf) {
        return new LoadOptions(btf, programs, logLevel, logSize, pinRoot, kernelConfig);
    }

    public LoadOptions withPrograms(Set<String> names) {
        return new LoadOptions(targetBtf, names == null ? null : Set.copyOf(names), logLevel, logSize, pinRoot,
                kernelConfig);
    }

    public LoadOptions withLogLevel(int level) {
        return new LoadOptions(targetBtf, programs, level, logSize, pinRoot, kernelConfig);
    }

    public LoadOptions withPinRoot(Path root) {
        return new LoadOptions(targetBtf, programs, logLevel, logSize, root, kernelConfig);
    }

    public LoadOptions withKernelConfig(Path config) {
        return new LoadOptions(targetBtf, programs, logLevel, logSize, pinRoot, config);
    }
}
