package org.bpf4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.FuncInfo;
import org.bpf4j.btf.LineInfo;

/**
 * Static linking before load, as libbpf does it: which subprograms each program reaches (calls
 * and callback addresses, transitively), and for each program its own copy of the code with those
 * subprograms appended, calls and callback addresses patched, func_info and line_info moved along,
 * and map, global-data and extern references filled in with the kernel's fds and BTF ids.
 */
final class Linker {
    private final ObjectSpec spec;

    Linker(ObjectSpec spec) {
        this.spec = spec;
    }

    Function subprogAt(long textInsn, String from) {
        for (Function f : spec.subprograms()) {
            if (f.contains((int) textInsn)) return f;
        }
        throw new ObjectFileException(spec.file(), ".text", from + " calls instruction " + textInsn
                + " of .text, which is in no function");
    }

    /** The subprogram a call or callback reference at {@code i} of {@code f} targets, or null. */
    Function target(Function f, Instructions in, int i) {
        Function.Reloc r = relocAt(f, i);
        if (r != null && (r.type() == Function.Reloc.Type.CALL || r.type() == Function.Reloc.Type.FUNC_ADDR)) {
            return subprogAt(r.offset(), "function '" + f.name + "'");
        }
        if (r == null && in.isSubprogCall(i)) {
            if (spec.subprograms().isEmpty() || !f.section.equals(".text")) {
                throw new ObjectFileException(spec.file(), f.section, "function '" + f.name + "' instruction " + i
                        + " calls a subprogram outside .text without a relocation");
            }
            return subprogAt(f.sectionInsnOffset + i + in.imm(i) + 1, "function '" + f.name + "'");
        }
        if (r == null && in.isPseudoFunc(i)) {
            throw new ObjectFileException(spec.file(), f.section, "function '" + f.name + "' instruction " + i
                    + " takes a subprogram's address without a relocation");
        }
        return null;
    }

    private static Function.Reloc relocAt(Function f, int insn) {
        for (Function.Reloc r : f.relocs) if (r.insn() == insn) return r;
        return null;
    }

    /** The functions the programs in {@code programs} run: their own and every subprogram they call or take the address of. */
    Set<Function> reachable(Collection<ProgramSpec> programs) {
        Set<Function> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Function> work = new ArrayList<>();
        for (ProgramSpec p : programs) work.add(p.function());
        while (!work.isEmpty()) {
            Function f = work.remove(work.size() - 1);
            if (!seen.add(f)) continue;
            for (int i = 0; i < f.insns.count(); i++) {
                Function t = target(f, f.insns, i);
                if (t != null) work.add(t);
                if (f.insns.isLdImm64(i)) i++;
            }
        }
        return seen;
    }

    /** One program linked with its subprograms: instructions, func_info, line_info, map relocs. */
    final class Linked {
        final Instructions insns;
        final List<FuncInfo> funcInfos = new ArrayList<>();
        final List<LineInfo> lineInfos = new ArrayList<>();
        final Map<Function, Integer> starts = new IdentityHashMap<>();
        boolean completeFuncInfo = true;
        /** The externs the program's code refers to, by index, in order of first use. */
        final Set<Integer> externsUsed = new LinkedHashSet<>();

        private final Externs.Resolved externs;

        Linked(Function main, Map<Function, Instructions> code, List<BpfMap> mapList, Externs.Resolved externs) {
            this.externs = externs;
            insns = code.get(main).copy();
            starts.put(main, 0);
            relocate(main, 0, code, mapList);
        }

        private void relocate(Function f, int base, Map<Function, Instructions> code, List<BpfMap> mapList) {
            if (f.funcInfos.isEmpty()) completeFuncInfo = false;
            for (FuncInfo fi : f.funcInfos) funcInfos.add(new FuncInfo(fi.insnOffset() + base, fi.typeId()));
            for (LineInfo li : f.lineInfos) {
                lineInfos.add(new LineInfo(li.insnOffset() + base, li.fileNameOffset(), li.lineOffset(),
                        li.lineCol(), li.fileName(), li.line()));
            }
            Instructions own = code.get(f);
            for (int i = 0; i < own.count(); i++) {
                Function t = target(f, own, i);
                if (t != null) {
                    Integer start = starts.get(t);
                    if (start == null) {
                        start = insns.append(code.get(t));
                        starts.put(t, start);
                        relocate(t, start, code, mapList);
                    }
                    insns.setImm(base + i, start - (base + i) - 1);
                    if (own.isLdImm64(i)) {
                        // a callback's address: libbpf marks it for the verifier as BPF_PSEUDO_FUNC
                        insns.setSrc(base + i, Opcode.PSEUDO_FUNC);
                        insns.setImm(base + i + 1, 0);
                    }
                }
                if (own.isLdImm64(i)) i++;
            }
            for (Function.Reloc r : f.relocs) {
                int at = base + r.insn();
                switch (r.type()) {
                    case MAP_FD -> {
                        insns.setSrc(at, Opcode.PSEUDO_MAP_FD);
                        insns.setImm(at, mapList.get(r.mapIndex()).fd());
                    }
                    case MAP_VALUE -> {
                        insns.setSrc(at, Opcode.PSEUDO_MAP_VALUE);
                        insns.setImm(at, mapList.get(r.mapIndex()).fd());
                        insns.setImm(at + 1, (int) r.offset());
                    }
                    case EXTERN_LD64 -> {
                        externsUsed.add(r.mapIndex());
                        externLoad(at, externs.get(r.mapIndex()), mapList);
                    }
                    case EXTERN_CALL -> {
                        externsUsed.add(r.mapIndex());
                        Externs.Value v = externs.get(r.mapIndex());
                        insns.setSrc(at, Opcode.PSEUDO_KFUNC_CALL);
                        // an unresolved weak kfunc: imm 0, which the verifier accepts in dead code only
                        insns.setImm(at, v.set() ? v.btfId() : 0);
                        insns.setOff(at, v.set() ? v.fdIndex() : 0);
                    }
                    default -> { }
                }
            }
        }

        /** libbpf's RELO_EXTERN_LD64: a kconfig value's address, a ksym's BTF id or address. */
        private void externLoad(int at, Externs.Value v, List<BpfMap> mapList) {
            Extern e = v.extern();
            if (e.kind() == Extern.Kind.KCONFIG) {
                insns.setSrc(at, Opcode.PSEUDO_MAP_VALUE);
                for (BpfMap m : mapList) if (m.spec().kind() == MapSpec.Kind.KCONFIG) insns.setImm(at, m.fd());
                insns.setImm(at + 1, e.offset());
            } else if (e.typeId() != 0 && v.set()) {
                insns.setSrc(at, Opcode.PSEUDO_BTF_ID);
                insns.setImm(at, v.btfId());
                insns.setImm(at + 1, v.btfObjFd());
            } else {
                // a typeless ksym's address, or 0 for an unresolved weak one (bpf_ksym_exists() is false)
                insns.setImm(at, (int) v.address());
                insns.setImm(at + 1, (int) (v.address() >>> 32));
            }
        }
    }
}
