package org.bpf4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bpf4j.sys.Fd;

/**
 * A loaded object: owns every kernel object it created (maps, programs, BTF, and the links its
 * programs made). The life cycle of a libbpf skeleton: {@link ObjectSpec#read} (open),
 * {@link ObjectSpec#load} (load), {@link #attachAll} (attach), {@link #close} (destroy).
 */
public final class BpfObject implements AutoCloseable {
    private final ObjectSpec spec;
    private final Map<String, BpfProgram> programs;
    private final Map<String, BpfMap> maps;
    private final Map<String, GlobalData> globals;
    private final Fd btf;
    private final List<String> warnings;
    private boolean closed;

    BpfObject(ObjectSpec spec, Map<String, BpfProgram> programs, Map<String, BpfMap> maps,
              Map<String, GlobalData> globals, Fd btf, List<String> warnings) {
        this.spec = spec;
        this.programs = programs;
        this.maps = maps;
        this.globals = globals;
        this.btf = btf;
        this.warnings = List.copyOf(warnings);
    }

    /** {@return the spec this object was loaded from} */
    public ObjectSpec spec() {
        return spec;
    }

    /**
     * Loaded programs by name.
     *
     * @return the programs by name, unmodifiable
     */
    public Map<String, BpfProgram> programs() {
        return Collections.unmodifiableMap(programs);
    }

    /**
     * The loaded program called {@code name}; {@link NoSuchObjectException} naming the loaded ones.
     *
     * @param name the program's name
     * @return the program, owned by this object
     * @throws NoSuchObjectException if no loaded program has that name
     */
    public BpfProgram program(String name) {
        return ObjectSpec.lookup(programs, name, spec.file(), "loaded program", "loaded");
    }

    /**
     * Maps by name (variable name, or section name for global data).
     *
     * @return the maps by name, unmodifiable
     */
    public Map<String, BpfMap> maps() {
        return Collections.unmodifiableMap(maps);
    }

    /**
     * The map called {@code name}; {@link NoSuchObjectException} naming the known ones.
     *
     * @param name the map's name
     * @return the map, owned by this object
     * @throws NoSuchObjectException if there is no such map
     */
    public BpfMap map(String name) {
        return ObjectSpec.lookup(maps, name, spec.file(), "map", "maps");
    }

    /**
     * Live {@code .rodata} (read-only once loaded).
     *
     * @return the section's variables over its memory
     * @throws NoSuchObjectException if the object has no {@code .rodata}
     */
    public GlobalData rodata() {
        return globals(".rodata");
    }

    /**
     * Live {@code .data}, read and written through its memory mapping.
     *
     * @return the section's variables over its memory
     * @throws NoSuchObjectException if the object has no {@code .data}
     */
    public GlobalData data() {
        return globals(".data");
    }

    /**
     * Live {@code .bss}, read and written through its memory mapping.
     *
     * @return the section's variables over its memory
     * @throws NoSuchObjectException if the object has no {@code .bss}
     */
    public GlobalData bss() {
        return globals(".bss");
    }

    /**
     * Live global data of {@code section}; {@link NoSuchObjectException} naming the mapped ones.
     *
     * @param section the section name, such as {@code .data.counters}
     * @return the section's variables over its memory
     * @throws NoSuchObjectException if the object maps no such section
     */
    public GlobalData globals(String section) {
        return ObjectSpec.lookup(globals, section, spec.file(), "memory-mapped global data section",
                "available");
    }

    /**
     * What went differently from a full load, e.g. the object's BTF refused by the kernel.
     *
     * @return the warnings, one line each; empty after a full load
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Attaches every loaded program whose spec says {@link ProgramSpec#autoattach()} and whose
     * section name tells where, like a libbpf skeleton's {@code __attach}. All or nothing.
     *
     * @return the links, in program order; also closed when this object closes
     */
    public List<BpfLink> attachAll() {
        List<BpfLink> links = new ArrayList<>();
        try {
            for (BpfProgram p : programs.values()) {
                if (!p.spec().autoattach()) continue;
                if (p.spec().sectionDef().autoAttach() == SectionDef.AutoAttach.NONE) continue;
                // as libbpf: SEC("kprobe"), SEC("uprobe"), SEC("tp") ... name no target, so they are not auto-attached
                if (p.spec().attachTarget().isEmpty()) continue;
                links.add(p.attach());
            }
        } catch (RuntimeException e) {
            for (BpfLink l : links) l.close();
            throw e;
        }
        return links;
    }

    /** Detaches and closes everything: links, programs, maps, BTF. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (BpfProgram p : programs.values()) p.close();
        for (BpfMap m : maps.values()) m.close();
        if (btf != null) btf.close();
    }
}
