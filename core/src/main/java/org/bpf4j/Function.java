package org.bpf4j;

import java.util.ArrayList;
import java.util.List;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.btf.FuncInfo;
import org.bpf4j.btf.LineInfo;

/**
 * One BPF function of an object file: an entry program or a {@code .text} subprogram, with the
 * relocations, CO-RE relocations, func_info and line_info that fall inside it (instruction indexes
 * relative to the function's first instruction). Package-private plumbing of {@link ObjectSpec}.
 */
final class Function {
    /** A relocation against an instruction of this function. */
    record Reloc(int insn, Type type, String symbol, int mapIndex, long offset) {
        enum Type {
            /** LD_IMM64 of a map's fd ({@code &my_map}). */
            MAP_FD,
            /** LD_IMM64 of an address inside a global data map; {@code offset} is the byte offset. */
            MAP_VALUE,
            /** BPF-to-BPF call; {@code offset} is the target's instruction index in .text. */
            CALL,
            /** LD_IMM64 of a subprogram's address (callbacks); {@code offset} as for CALL. */
            FUNC_ADDR,
            /** LD_IMM64 of an extern (kconfig value, ksym address or BTF id); {@code mapIndex} is the extern's index. */
            EXTERN_LD64,
            /** Call of a kfunc; {@code mapIndex} is the extern's index. */
            EXTERN_CALL
        }
    }

    final String name;
    final String section;
    final int sectionIndex;
    /** First instruction's index within its section. */
    final int sectionInsnOffset;
    final Instructions insns;
    final boolean global;
    /** A global function of hidden visibility: its BTF FUNC goes to the kernel as static (libbpf's mark_btf_static). */
    boolean btfStatic;
    final List<Reloc> relocs = new ArrayList<>();
    /** func_info of this function; {@code insnOffset} holds the instruction index relative to the function. */
    final List<FuncInfo> funcInfos = new ArrayList<>();
    /** line_info of this function; {@code insnOffset} holds the instruction index relative to the function. */
    final List<LineInfo> lineInfos = new ArrayList<>();

    Function(String name, String section, int sectionIndex, int sectionInsnOffset, Instructions insns, boolean global) {
        this.name = name;
        this.section = section;
        this.sectionIndex = sectionIndex;
        this.sectionInsnOffset = sectionInsnOffset;
        this.insns = insns;
        this.global = global;
    }

    /** A CO-RE relocation of {@code function} at instruction {@code insn}, number {@code index} of its section. */
    record CoreSite(Function function, int insn, CoreRelo relo, int index) {}

    boolean contains(int sectionInsn) {
        return sectionInsn >= sectionInsnOffset && sectionInsn < sectionInsnOffset + insns.count();
    }
}
