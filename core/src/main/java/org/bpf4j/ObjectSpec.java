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

    /**
     * Reads and parses an object file.
     *
     * @param path the object file, such as {@code syscount.bpf.o}
     * @return the parsed object; nothing is created in the kernel
     * @throws ObjectFileException naming the file if it cannot be read or is malformed
     */
    public static ObjectSpec read(Path path) {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ObjectFileException(path.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        return parse(data, path.toString());
    }

    /**
     * Reads an object file shipped as a class path resource (for example inside a jar).
     *
     * @param anchor the class whose {@link Class#getResourceAsStream} resolves the resource
     * @param resource the resource name, relative to {@code anchor}'s package unless it starts with '/'
     * @return the parsed object
     * @throws ObjectFileException naming the resource if it does not exist, cannot be read or is malformed
     */
    public static ObjectSpec fromResource(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) throw new ObjectFileException(resource, null, "no such class path resource");
            return parse(in.readAllBytes(), resource);
        } catch (IOException e) {
            throw new ObjectFileException(resource, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses an object file's bytes.
     *
     * @param data the whole object file
     * @param file the name to use in messages; its part up to the first dot becomes {@link #name()}
     * @return the parsed object
     * @throws ObjectFileException if the data is not a well-formed BPF object
     */
    public static ObjectSpec parse(byte[] data, String file) {
        return new ObjectReader(data, file).read();
    }

    /** {@return the file name (or resource) the object came from} */
    public String file() {
        return file;
    }

    /** {@return the object's name as libbpf derives it: the file name up to its first dot} */
    public String name() {
        return name;
    }

    /** {@return the license string from the {@code license} section, or null without one} */
    public String license() {
        return license;
    }

    /** {@return the u32 of the {@code version} section ({@code LINUX_VERSION_CODE}), or 0 without one} */
    public int kernelVersion() {
        return kernelVersion;
    }

    /** {@return the object's BTF ({@code .BTF}), or null without one} */
    public Btf btf() {
        return btf;
    }

    /** {@return the object's {@code .BTF.ext}, or null without one} */
    public BtfExt btfExt() {
        return btfExt;
    }

    /** {@return the programs by name, in file order; unmodifiable} */
    public Map<String, ProgramSpec> programs() {
        return Collections.unmodifiableMap(programs);
    }

    /**
     * The program called {@code name}.
     *
     * @param name the program's (function's) name
     * @return the program's spec
     * @throws NoSuchObjectException naming the known programs if there is none of that name
     */
    public ProgramSpec program(String name) {
        return lookup(programs, name, file, "program", "programs");
    }

    /**
     * {@return the maps by name (variable name in {@code .maps}, section name for global data), in file order;
     * unmodifiable}
     */
    public Map<String, MapSpec> maps() {
        return Collections.unmodifiableMap(maps);
    }

    /**
     * The map called {@code name}.
     *
     * @param name the map's name: its variable name in {@code .maps}, or a section name such as {@code .rodata}
     * @return the map's spec
     * @throws NoSuchObjectException naming the known maps if there is none of that name
     */
    public MapSpec map(String name) {
        return lookup(maps, name, file, "map", "maps");
    }

    /**
     * The variables of {@code .rodata} ({@code const volatile} globals), settable before load.
     *
     * @return the section's variables
     * @throws NoSuchObjectException if the object has no {@code .rodata}
     */
    public GlobalData rodata() {
        return globals(".rodata");
    }

    /**
     * The variables of {@code .data}.
     *
     * @return the section's variables
     * @throws NoSuchObjectException if the object has no {@code .data}
     */
    public GlobalData data() {
        return globals(".data");
    }

    /**
     * The variables of {@code .bss}.
     *
     * @return the section's variables
     * @throws NoSuchObjectException if the object has no {@code .bss}
     */
    public GlobalData bss() {
        return globals(".bss");
    }

    /**
     * The variables of a global data section.
     *
     * @param section the section's name, such as {@code .rodata} or {@code .data.counters}
     * @return the section's variables
     * @throws NoSuchObjectException naming the object's sections if it has none of that name
     */
    public GlobalData globals(String section) {
        return lookup(globals, section, file, "global data section", "the object's");
    }

    /** {@return all global data sections by name, in file order; unmodifiable} */
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
     * Resolves every CO-RE relocation of the object against {@code target} (a kernel BTF) without loading anything, as
     * libbpf would at load time: the answers {@code bpf4j core relocs} prints. Like libbpf, resolution stops at the
     * first relocation that fails outright; the ones after it come back unprocessed.
     *
     * @param target the BTF to resolve against, usually the running kernel's
     * @return one answer per relocation, in libbpf's order of application
     */
    public List<CoreRelocation> resolveCore(Btf target) {
        return resolveCore(CoreTargets.of(target));
    }

    /**
     * Resolves every CO-RE relocation of the object against {@code targets} (a kernel BTF, and module BTFs searched for
     * types the kernel BTF lacks), as {@link #resolveCore(Btf)}. The relocations come in libbpf's order of application
     * (.BTF.ext order); relocations of programs whose {@link ProgramSpec#autoload()} is off are left out, as libbpf
     * skips them.
     *
     * @param targets the kernel BTF and the module BTFs to resolve against
     * @return one answer per relocation
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

    /**
     * Loads the object into the running kernel with default options, as {@link #load(LoadOptions)}.
     *
     * @return the loaded object; the caller owns it and closes it
     */
    public BpfObject load() {
        return load(LoadOptions.defaults());
    }

    /**
     * Creates the maps, loads BTF and the programs; all or nothing: on failure, whatever was created is closed.
     *
     * @param options how to load: target BTF, programs to load, verifier log, pin root, kernel config
     * @return the loaded object, which owns every map, program and link fd; the caller closes it
     * @throws VerifierException if the verifier rejects a program
     * @throws BpfException if a map, the BTF or a program cannot be created
     */
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
