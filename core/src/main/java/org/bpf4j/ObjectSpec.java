package org.bpf4j;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfExt;
import org.bpf4j.core.CoreTargets;

/**
 * A BPF object file (the ELF that {@code clang -target bpf} writes) parsed into plain data:
 * programs, maps, global data, BTF, and relocations, following libbpf's conventions. No system
 * call happens here; {@link #load()} creates the kernel objects.
 *
 * <pre>{@code
 * ObjectSpec spec = ObjectSpec.read(Path.of("syscount.bpf.o"));
 * spec.rodata().set("target_pid", 1234);
 * try (BpfObject obj = spec.load()) {
 *     obj.attachAll();
 *     ...
 * }
 * }</pre>
 */
public final class ObjectSpec {
    private final String file;
    private final String name;
    private final String license;
    private final int kernelVersion;
    private final Btf btf;
    private final BtfExt btfExt;
    private final Map<String, ProgramSpec> programs;
    private final Map<String, MapSpec> maps;
    private final List<Function> subprograms;
    private final Map<String, List<GlobalData.Variable>> dataVariables;
    private final Map<String, GlobalData> globals = new LinkedHashMap<>();
    private final List<Function.CoreSite> coreSites;
    private final Map<Integer, DatasecFix> datasecFixes;
    private final List<Extern> externs;

    /**
     * What the object's BTF needs before the kernel takes it (clang leaves DATASEC sizes and VAR
     * offsets at zero): the section size, and for each variable of the DATASEC its offset from the
     * ELF symbol (-1 to keep the one in BTF).
     */
    record DatasecFix(int size, int[] offsets) {}

    Map<Integer, DatasecFix> datasecFixes() {
        return datasecFixes;
    }

    /** The object's externs in libbpf's order: kconfig ones (in {@code .kconfig} layout order), then ksyms by name. */
    List<Extern> externs() {
        return externs;
    }

    /** The name of the map that holds the values of the {@code __kconfig} externs. */
    static final String KCONFIG = ".kconfig";

    ObjectSpec(String file, String name, String license, int kernelVersion, Btf btf, BtfExt btfExt,
                       Map<String, ProgramSpec> programs, Map<String, MapSpec> maps, List<Function> subprograms,
                       Map<String, List<GlobalData.Variable>> dataVariables, List<Function.CoreSite> coreSites,
                       Map<Integer, DatasecFix> datasecFixes, List<Extern> externs) {
        this.file = file;
        this.name = name;
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.btf = btf;
        this.btfExt = btfExt;
        this.programs = programs;
        this.maps = maps;
        this.subprograms = subprograms;
        this.dataVariables = dataVariables;
        this.coreSites = coreSites;
        this.datasecFixes = datasecFixes;
        this.externs = List.copyOf(externs);
        for (MapSpec m : maps.values()) {
            if (m.kind() != MapSpec.Kind.USER) {
                List<GlobalData.Variable> vars = dataVariables.getOrDefault(m.name(), List.of());
                // .kconfig is what the load finds in the kernel configuration: nothing to set before
                globals.put(m.name(), new GlobalData(m.name(), GlobalData.index(vars),
                        MemorySegment.ofArray(m.contentsArray()), m.kind() != MapSpec.Kind.KCONFIG));
            }
        }
    }

    /** Reads and parses an object file. */
    public static ObjectSpec read(Path path) {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ObjectFileException(path.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        return parse(data, path.toString());
    }

    /** Reads an object file shipped as a class path resource (for example inside a jar). */
    public static ObjectSpec fromResource(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) throw new ObjectFileException(resource, null, "no such class path resource");
            return parse(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new ObjectFileException(resource, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses an object file's bytes; {@code file} names it in messages. */
    public static ObjectSpec parse(byte[] data, String file) {
        return new ObjectReader(data, file).read();
    }

    /** The file name (or resource) the object came from. */
    public String file() {
        return file;
    }

    /** The object's name as libbpf derives it: the file name up to its first dot. */
    public String name() {
        return name;
    }

    /** The license string from the {@code license} section, or null without one. */
    public String license() {
        return license;
    }

    public int kernelVersion() {
        return kernelVersion;
    }

    /** The object's BTF ({@code .BTF}), or null. */
    public Btf btf() {
        return btf;
    }

    /** The object's {@code .BTF.ext}, or null. */
    public BtfExt btfExt() {
        return btfExt;
    }

    /** Programs by name, in file order. */
    public Map<String, ProgramSpec> programs() {
        return Collections.unmodifiableMap(programs);
    }

    /** The program called {@code name}; {@link NoSuchObjectException} naming the known ones. */
    public ProgramSpec program(String name) {
        return lookup(programs, name, file, "program", "programs");
    }

    /** Maps by name (variable name in {@code .maps}, section name for global data), in file order. */
    public Map<String, MapSpec> maps() {
        return Collections.unmodifiableMap(maps);
    }

    /** The map called {@code name}; {@link NoSuchObjectException} naming the known ones. */
    public MapSpec map(String name) {
        return lookup(maps, name, file, "map", "maps");
    }

    /** The variables of {@code .rodata} ({@code const volatile} globals), settable before load. */
    public GlobalData rodata() {
        return globals(".rodata");
    }

    /** The variables of {@code .data}. */
    public GlobalData data() {
        return globals(".data");
    }

    /** The variables of {@code .bss}. */
    public GlobalData bss() {
        return globals(".bss");
    }

    /** The variables of a global data section, such as {@code .rodata} or {@code .data.counters}. */
    public GlobalData globals(String section) {
        return lookup(globals, section, file, "global data section", "the object's");
    }

    /** All global data sections by name. */
    public Map<String, GlobalData> globals() {
        return Collections.unmodifiableMap(globals);
    }

    /** Subprograms in {@code .text}, in file order (plumbing for the loader and CO-RE tools). */
    List<Function> subprograms() {
        return subprograms;
    }

    /** CO-RE relocations in .BTF.ext order (the order libbpf applies them in). */
    List<Function.CoreSite> coreSites() {
        return coreSites;
    }

    /**
     * Resolves every CO-RE relocation of the object against {@code target} (a kernel BTF) without
     * loading anything, as libbpf would at load time: the answers {@code bpf4j core relocs} prints.
     * Like libbpf, resolution stops at the first relocation that fails outright; the ones after
     * it come back unprocessed.
     */
    public List<CoreRelocation> resolveCore(Btf target) {
        return resolveCore(CoreTargets.of(target));
    }

    /**
     * Resolves every CO-RE relocation of the object against {@code targets} (a kernel BTF, and
     * module BTFs searched for types the kernel BTF lacks), as {@link #resolveCore(Btf)}. The
     * relocations come in libbpf's order of application (.BTF.ext order); relocations of
     * programs whose {@link ProgramSpec#autoload()} is off are left out, as libbpf skips them.
     */
    public List<CoreRelocation> resolveCore(CoreTargets targets) {
        return CoreApplier.resolve(this, targets, CoreApplier.included(this, null));
    }

    /** Every function (programs, then subprograms), for CO-RE. */
    List<Function> functions() {
        List<Function> all = new ArrayList<>();
        for (ProgramSpec p : programs.values()) all.add(p.function());
        all.addAll(subprograms);
        return all;
    }

    /** Loads the object into the running kernel with default options. */
    public BpfObject load() {
        return load(LoadOptions.defaults());
    }

    /** Creates the maps, loads BTF and the programs; all or nothing. */
    public BpfObject load(LoadOptions options) {
        return Loader.load(this, options);
    }

    @Override
    public String toString() {
        return "ObjectSpec(" + file + ": " + programs.size() + " programs, " + maps.size() + " maps)";
    }

    /**
     * {@code byName.get(name)}, or a {@link NoSuchObjectException}: "{@code where}: no {@code what}
     * 'name' ({@code listed}: a, b)". Here, not in the exception, which then loads only when thrown.
     */
    static <T> T lookup(Map<String, T> byName, String name, String where, String what, String listed) {
        T t = byName.get(name);
        if (t == null) {
            throw NoSuchObjectException.of(where + ": no " + what + " '" + name + "' (" + listed + ": "
                    + String.join(", ", byName.keySet()) + ")", name, byName.keySet());
        }
        return t;
    }
}
