package org.bpf4j;

import org.bpf4j.asm.Instructions;

/**
 * A program as an object file declares it: its name (the C function's), section, type and attach
 * target. Plain data: change {@link #autoload}, {@link #type} or {@link #attachTarget} before
 * {@link ObjectSpec#load}.
 */
public final class ProgramSpec {
    private final String name;
    private final String section;
    private final Function function;
    private final SectionDef sectionDef;
    private ProgramType type;
    private AttachType attachType;
    private String attachTarget;
    private int flags;
    private boolean autoload;
    private boolean autoattach = true;

    ProgramSpec(String name, String section, Function function, SectionDef def, boolean autoload) {
        this.name = name;
        this.section = section;
        this.function = function;
        this.sectionDef = def;
        this.type = def.type();
        this.attachType = def.attachType();
        this.attachTarget = def.target(section.startsWith("?") ? section.substring(1) : section);
        this.autoload = autoload;
        int f = 0;
        if ((def.flags() & SectionDef.SLEEPABLE) != 0) f |= 1 << 4; // BPF_F_SLEEPABLE
        if ((def.flags() & SectionDef.XDP_FRAGS) != 0) f |= 1 << 5; // BPF_F_XDP_HAS_FRAGS
        this.flags = f;
    }

    /** The program's name: its C function's name. */
    public String name() {
        return name;
    }

    /** The ELF section, such as {@code tracepoint/raw_syscalls/sys_enter}. */
    public String section() {
        return section;
    }

    public SectionDef sectionDef() {
        return sectionDef;
    }

    public ProgramType type() {
        return type;
    }

    public ProgramSpec type(ProgramType t) {
        this.type = t;
        return this;
    }

    /** The attach type passed to the kernel at load time, or null. */
    public AttachType attachType() {
        return attachType;
    }

    public ProgramSpec attachType(AttachType t) {
        this.attachType = t;
        return this;
    }

    /** What the section name says to attach to ({@code raw_syscalls/sys_enter}), or "". */
    public String attachTarget() {
        return attachTarget;
    }

    public ProgramSpec attachTarget(String target) {
        this.attachTarget = target;
        return this;
    }

    /** {@code BPF_F_*} program flags (sleepable, XDP fragments). */
    public int flags() {
        return flags;
    }

    public ProgramSpec flags(int f) {
        this.flags = f;
        return this;
    }

    /** Whether {@link ObjectSpec#load} loads this program (false for {@code SEC("?...")}). */
    public boolean autoload() {
        return autoload;
    }

    public ProgramSpec autoload(boolean load) {
        this.autoload = load;
        return this;
    }

    /** Whether {@link BpfObject#attachAll()} attaches this program. */
    public boolean autoattach() {
        return autoattach;
    }

    public ProgramSpec autoattach(boolean attach) {
        this.autoattach = attach;
        return this;
    }

    /** A copy of the program's own instructions, before relocation and linking. */
    public Instructions instructions() {
        return function.insns.copy();
    }

    Function function() {
        return function;
    }

    @Override
    public String toString() {
        return "program '" + name + "' (" + type + ", section " + section + ")";
    }
}
