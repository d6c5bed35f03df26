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

    /**
     * The program's name: its C function's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The ELF section, such as {@code tracepoint/raw_syscalls/sys_enter}.
     *
     * @return the section name
     */
    public String section() {
        return section;
    }

    /** {@return the section definition the section name matched} */
    public SectionDef sectionDef() {
        return sectionDef;
    }

    /** {@return the program type to load as, from the section unless changed} */
    public ProgramType type() {
        return type;
    }

    /**
     * Sets the program type to load as.
     *
     * @param t the program type
     * @return this, for chaining
     */
    public ProgramSpec type(ProgramType t) {
        this.type = t;
        return this;
    }

    /**
     * The attach type passed to the kernel at load time, or null.
     *
     * @return the attach type, or null
     */
    public AttachType attachType() {
        return attachType;
    }

    /**
     * Sets the attach type passed at load time.
     *
     * @param t the attach type, or null for none
     * @return this, for chaining
     */
    public ProgramSpec attachType(AttachType t) {
        this.attachType = t;
        return this;
    }

    /**
     * What the section name says to attach to ({@code raw_syscalls/sys_enter}), or "".
     *
     * @return the target, or ""
     */
    public String attachTarget() {
        return attachTarget;
    }

    /**
     * Sets what to attach to, overriding the section name's target.
     *
     * @param target the new target, such as {@code syscalls/sys_enter_openat}
     * @return this, for chaining
     */
    public ProgramSpec attachTarget(String target) {
        this.attachTarget = target;
        return this;
    }

    /**
     * {@code BPF_F_*} program flags (sleepable, XDP fragments).
     *
     * @return the flags passed as {@code prog_flags}
     */
    public int flags() {
        return flags;
    }

    /**
     * Sets the {@code BPF_F_*} program flags.
     *
     * @param f the flags, replacing the section's
     * @return this, for chaining
     */
    public ProgramSpec flags(int f) {
        this.flags = f;
        return this;
    }

    /**
     * Whether {@link ObjectSpec#load} loads this program (false for {@code SEC("?...")}).
     *
     * @return true to load it
     */
    public boolean autoload() {
        return autoload;
    }

    /**
     * Sets whether {@link ObjectSpec#load} loads this program.
     *
     * @param load true to load it
     * @return this, for chaining
     */
    public ProgramSpec autoload(boolean load) {
        this.autoload = load;
        return this;
    }

    /**
     * Whether {@link BpfObject#attachAll()} attaches this program.
     *
     * @return true to attach it
     */
    public boolean autoattach() {
        return autoattach;
    }

    /**
     * Sets whether {@link BpfObject#attachAll()} attaches this program.
     *
     * @param attach true to attach it
     * @return this, for chaining
     */
    public ProgramSpec autoattach(boolean attach) {
        this.autoattach = attach;
        return this;
    }

    /**
     * A copy of the program's own instructions, before relocation and linking.
     *
     * @return a new copy of the instructions
     */
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
