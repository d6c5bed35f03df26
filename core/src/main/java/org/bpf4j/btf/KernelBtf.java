package org.bpf4j.btf;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bpf4j.FeatureNotSupportedException;

/**
 * The running kernel's BTF under /sys/kernel/btf: vmlinux and the modules' split BTF, each read
 * and parsed (trusted: the kernel validated it) once per process and shared. Public through
 * {@link Btf#kernel()}, {@link Btf#kernelModule} and {@link Btf#kernelModuleNames()}.
 */
final class KernelBtf {
    private static volatile Btf vmlinux;
    private static final Map<String, Btf> MODULES = new HashMap<>();

    private KernelBtf() {
    }

    /** /sys/kernel/btf/vmlinux, parsed on first use (thread-safe). */
    static Btf vmlinux() {
        Btf k = vmlinux;
        if (k == null) {
            synchronized (KernelBtf.class) {
                k = vmlinux;
                if (k == null) vmlinux = k = load(Btf.SYSFS_BTF.resolve("vmlinux"));
            }
        }
        return k;
    }

    /** Reads and parses (trusted) the kernel's BTF at {@code p}. */
    static Btf load(Path p) {
        if (!Files.exists(p)) {
            throw new FeatureNotSupportedException("kernel BTF", p + " missing; the kernel needs "
                    + "CONFIG_DEBUG_INFO_BTF=y (5.2+); pass a BTF file instead");
        }
        return Btf.parseTrusted(Btf.readFile(p), null, p.toString());
    }

    /** /sys/kernel/btf/&lt;module&gt; as split BTF over {@link #vmlinux()}, parsed once per module. */
    static Btf module(String module) {
        if (module.isEmpty() || module.indexOf('/') >= 0 || module.equals(".") || module.equals("..")
                || module.equals("vmlinux")) {
            throw new IllegalArgumentException("bad kernel module name '" + module + "'");
        }
        Btf base = vmlinux();
        synchronized (MODULES) {
            Btf m = MODULES.get(module);
            if (m == null) {
                Path p = Btf.SYSFS_BTF.resolve(module);
                if (!Files.exists(p)) {
                    throw new FeatureNotSupportedException("kernel module BTF", p + " missing; the module '"
                            + module + "' is not loaded or the kernel lacks CONFIG_DEBUG_INFO_BTF_MODULES=y");
                }
                m = Btf.parseTrusted(Btf.readFile(p), base, p.toString());
                MODULES.put(module, m);
            }
            return m;
        }
    }

    /** The entries of /sys/kernel/btf other than vmlinux, sorted. */
    static List<String> moduleNames() {
        File[] files = Btf.SYSFS_BTF.toFile().listFiles();
        if (files == null) return List.of();
        List<String> out = new ArrayList<>();
        for (File f : files) if (!f.getName().equals("vmlinux")) out.add(f.getName());
        Collections.sort(out);
        return out;
    }
}
