package org.bpf4j.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bpf4j.btf.Btf;

/**
 * Where CO-RE looks for candidate types, as libbpf: a kernel BTF first; module BTFs (split BTF over
 * the kernel's) only for a local type that has no candidate at all in the kernel BTF, and then
 * every module's candidates. Module BTFs are obtained on first need: most objects never need them.
 * A BTF the user names (libbpf's {@code btf_custom_path}) disables the module search, as in libbpf.
 */
public final class CoreTargets {
    private final Btf vmlinux;
    private final Supplier<List<Btf>> moduleSupplier;
    private List<Btf> modules;

    private CoreTargets(Btf vmlinux, Supplier<List<Btf>> modules) {
        this.vmlinux = Objects.requireNonNull(vmlinux, "vmlinux");
        this.moduleSupplier = modules;
    }

    /**
     * One target BTF and no modules (a BTF file the user named, or a kernel without modules).
     *
     * @param btf the target BTF
     * @return the targets
     */
    public static CoreTargets of(Btf btf) {
        return new CoreTargets(btf, null);
    }

    /**
     * A kernel BTF and its modules' BTFs, the supplier called at most once, when a type has no
     * candidate in {@code vmlinux}. The supplier's list is searched in order (libbpf: BTF object
     * id order, which is module load order).
     *
     * @param vmlinux the kernel BTF
     * @param modules supplies the module BTFs (split on {@code vmlinux}), in search order
     * @return the targets
     */
    public static CoreTargets of(Btf vmlinux, Supplier<List<Btf>> modules) {
        return new CoreTargets(vmlinux, modules);
    }

    /**
     * The running kernel: /sys/kernel/btf/vmlinux, and the module BTFs beside it on demand.
     *
     * @return the targets, with the kernel BTF read now ({@link Btf#kernel()} fails without kernel BTF)
     */
    public static CoreTargets runningKernel() {
        return new CoreTargets(Btf.kernel(), CoreTargets::loadedModules);
    }

    /**
     * The kernel BTF searched first.
     *
     * @return the kernel BTF
     */
    public Btf vmlinux() {
        return vmlinux;
    }

    /**
     * True if module BTFs may be searched (they may still turn out to be none).
     *
     * @return true if modules may be searched
     */
    public boolean searchesModules() {
        return moduleSupplier != null;
    }

    /**
     * The module BTFs, loaded now if they were not yet; empty without a module search.
     *
     * @return the module BTFs, unmodifiable
     */
    public synchronized List<Btf> modules() {
        if (modules == null) modules = moduleSupplier == null ? List.of() : List.copyOf(moduleSupplier.get());
        return modules;
    }

    /**
     * True once {@link #modules()} has been called (for tests: laziness).
     *
     * @return true if the modules were loaded
     */
    public synchronized boolean modulesLoaded() {
        return modules != null;
    }

    /**
     * The BTF of every loaded module with BTF under /sys/kernel/btf, in load order: libbpf walks
     * the kernel's BTF objects by id, and a module's BTF gets its id when the module is loaded;
     * /proc/modules lists the newest module first. Modules missing from /proc/modules (none
     * should be) come last, by name.
     */
    static List<Btf> loadedModules() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/sys/kernel/btf"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("vmlinux")).forEach(names::add);
        } catch (IOException e) {
            return List.of();
        }
        if (names.isEmpty()) return List.of();
        List<String> procModules;
        try {
            procModules = Files.readAllLines(Path.of("/proc/modules"));
        } catch (IOException e) {
            procModules = List.of();
        }
        List<Btf> out = new ArrayList<>(names.size());
        for (String m : loadOrder(names, procModules)) out.add(Btf.kernelModule(m));
        return out;
    }

    /**
     * The modules with BTF ({@code names}) in load order, given the lines of /proc/modules (newest
     * module first); modules /proc/modules does not list come last, by name.
     */
    static List<String> loadOrder(List<String> names, List<String> procModules) {
        List<String> rest = new ArrayList<>(names);
        rest.sort(null);
        List<String> order = new ArrayList<>();
        for (String line : procModules) {
            int sp = line.indexOf(' ');
            if (sp > 0) order.add(line.substring(0, sp));
        }
        Collections.reverse(order);
        List<String> sorted = new ArrayList<>();
        for (String m : order) if (rest.remove(m)) sorted.add(m);
        sorted.addAll(rest);
        return sorted;
    }
}
