package org.bpf4j;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreException;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.core.CoreResult;
import org.bpf4j.core.CoreTargets;
import org.bpf4j.core.DeadCode;

/**
 * Applies an object's CO-RE relocations as libbpf's {@code bpf_object__relocate_core} does: in
 * .BTF.ext order (section by section, record by record), in every program that is going to be
 * loaded and in every {@code .text} subprogram (called or not), with one candidate cache for the
 * whole object, stopping at the first relocation that fails.
 */
final class CoreApplier {
    private CoreApplier() {}

    /** libbpf relocates autoload programs and all subprograms; {@code programs} null: by autoload. */
    static Predicate<Function> included(ObjectSpec spec, Collection<String> programs) {
        return new Included(spec, programs);
    }

    /** A class, not a lambda: no lambda linkage on the start-up path. */
    private record Included(ObjectSpec spec, Collection<String> programs) implements Predicate<Function> {
        @Override
        public boolean test(Function f) {
            ProgramSpec p = spec.programs().get(f.name);
            if (p == null || p.function() != f) return true; // a subprogram
            return programs == null ? p.autoload() : programs.contains(p.name());
        }
    }

    /**
     * Resolves and patches (on copies) every included relocation without loading anything: the
     * answers {@code bpf4j core relocs} prints. Never throws for a relocation: a failure is
     * recorded, and everything after it is {@link CoreRelocation.Outcome#UNPROCESSED}.
     */
    static List<CoreRelocation> resolve(ObjectSpec spec, CoreTargets targets, Predicate<Function> included) {
        List<CoreRelocation> out = new ArrayList<>();
        if (spec.coreSites().isEmpty()) return out;
        Map<Function, Instructions> code = new IdentityHashMap<>();
        run(spec, targets, included, code, out, false);
        markDeadCode(spec, included, code, out);
        return out;
    }

    /**
     * Flags the poisoned instructions that no included program can reach once every relocation is
     * applied (guards that came out 0), following BPF-to-BPF calls and callbacks into subprograms.
     */
    private static void markDeadCode(ObjectSpec spec, Predicate<Function> included, Map<Function, Instructions> code,
                                     List<CoreRelocation> out) {
        boolean anyPoison = false;
        for (CoreRelocation r : out) anyPoison |= r.outcome() == CoreRelocation.Outcome.POISONED;
        if (!anyPoison) return;
        Map<Function, BitSet> reached = new IdentityHashMap<>();
        boolean unknownCallee = false;
        List<Function> work = new ArrayList<>();
        for (ProgramSpec p : spec.programs().values()) if (included.test(p.function())) work.add(p.function());
        while (!work.isEmpty()) {
            Function f = work.remove(work.size() - 1);
            if (reached.containsKey(f)) continue;
            Instructions insns = code.getOrDefault(f, f.insns);
            List<Integer> calls = new ArrayList<>();
            reached.put(f, DeadCode.reachable(insns, calls));
            for (int i : calls) {
                Function callee = callee(spec, f, insns, i);
                if (callee != null) work.add(callee);
                else unknownCallee = true; // a call we cannot follow: any subprogram may be reached
            }
        }
        for (int i = 0; i < out.size(); i++) {
            CoreRelocation r = out.get(i);
            if (r.outcome() != CoreRelocation.Outcome.POISONED) continue;
            Function f = functionNamed(spec, r.program());
            if (f == null || (unknownCallee && !reached.containsKey(f))) continue;
            BitSet bits = reached.get(f);
            boolean dead = bits == null || !bits.get(r.insn());
            if (dead) out.set(i, r.withDeadCode(true));
        }
    }

    private static Function functionNamed(ObjectSpec spec, String name) {
        for (Function f : spec.functions()) if (f.name.equals(name)) return f;
        return null;
    }

    /** The subprogram that the call or callback reference at {@code i} of {@code f} reaches, or null. */
    private static Function callee(ObjectSpec spec, Function f, Instructions in, int i) {
        long textInsn = -1;
        boolean relocated = false;
        for (Function.Reloc r : f.relocs) {
            if (r.insn() != i) continue;
            relocated = true;
            if (r.type() == Function.Reloc.Type.CALL || r.type() == Function.Reloc.Type.FUNC_ADDR) textInsn = r.offset();
        }
        if (!relocated && f.section.equals(".text") && in.isSubprogCall(i)) {
            textInsn = f.sectionInsnOffset + i + in.imm(i) + 1;
        }
        if (textInsn < 0) return null;
        for (Function s : spec.subprograms()) if (s.contains((int) textInsn)) return s;
        return null;
    }

    /**
     * Copies the instructions of every function in {@code loaded} and applies the included CO-RE
     * relocations (those in functions not loaded are applied to scratch copies, for libbpf's
     * candidate pruning and failures); throws {@link CoreException} on the first failure. The
     * applied relocations go to {@code applied} (for error messages about poisoned instructions).
     */
    static Map<Function, Instructions> apply(ObjectSpec spec, CoreTargets targets, Predicate<Function> included,
                                             Set<Function> loaded, List<CoreRelocation> applied) {
        Map<Function, Instructions> code = new IdentityHashMap<>();
        for (Function f : loaded) code.put(f, f.insns.copy());
        if (spec.coreSites().isEmpty()) return code;
        run(spec, targets, included, code, applied, true);
        return code;
    }

    /** True if any relocation would be applied: the target BTF is needed. */
    static boolean needsTarget(ObjectSpec spec, Predicate<Function> included) {
        for (Function.CoreSite s : spec.coreSites()) if (included.test(s.function())) return true;
        return false;
    }

    private static void run(ObjectSpec spec, CoreTargets targets, Predicate<Function> included,
                            Map<Function, Instructions> code, List<CoreRelocation> out, boolean throwOnFailure) {
        Btf btf = spec.btf();
        CoreRelocator relocator = new CoreRelocator(btf, targets);
        String failure = null;
        for (Function.CoreSite site : spec.coreSites()) {
            Function f = site.function();
            if (!included.test(f)) continue;
            String name = f.name;
            String type = nameOf(btf, site.relo().typeId());
            if (failure != null) {
                out.add(new CoreRelocation(name, site.insn(), site.relo().kind(), type, site.relo().access(),
                        CoreRelocation.Outcome.UNPROCESSED, 0, what(btf, site, null), "not reached: " + failure, null, false));
                continue;
            }
            CoreResult r = null;
            try {
                r = relocator.resolve(name, site.index(), site.relo());
                Instructions insns = code.get(f);
                if (insns == null) code.put(f, insns = f.insns.copy());
                boolean poisoned = CoreRelocator.patch(name, insns, site.insn(), site.relo(), site.index(), r);
                long value = poisoned ? 0 : r.newValue();
                out.add(new CoreRelocation(name, site.insn(), site.relo().kind(), type, site.relo().access(),
                        poisoned ? CoreRelocation.Outcome.POISONED : CoreRelocation.Outcome.PATCHED, value,
                        null, poisoned ? poisonReason(r) : null, r, false));
            } catch (CoreException e) {
                if (throwOnFailure) throw e;
                failure = e.getMessage();
                out.add(new CoreRelocation(name, site.insn(), site.relo().kind(), type, site.relo().access(),
                        CoreRelocation.Outcome.FAILED, 0, what(btf, site, r), e.getMessage(), r, false));
            }
        }
    }

    /** Why a relocation poisoned its instruction, in words. */
    static String poisonReason(CoreResult r) {
        if (!r.poison()) {
            return "the load or store would have to change from " + r.origSize() + " to " + r.newSize()
                    + " bytes, which reads a signed or non-integer field incorrectly (target: " + r.targetSpec() + ")";
        }
        String what = r.access();
        int dot = indexOfAccess(what);
        String typeName = dot < 0 ? what : what.substring(0, dot);
        typeName = typeName.substring(0, Btf.essentialNameLength(typeName));
        if (r.candidates() == 0) return "the target has no type named " + typeName;
        String rest = dot < 0 ? "" : what.substring(what.charAt(dot) == '.' ? dot + 1 : what.charAt(dot) == ':' ? dot + 2 : dot);
        if (rest.isEmpty()) return "the target's " + typeName + " does not match the local type";
        if (r.candidates() == 1) return "the target's " + typeName + " has no " + rest;
        return "none of the target's " + r.candidates() + " " + typeName + " types has " + rest;
    }

    private static int indexOfAccess(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == '[' || (c == ':' && i + 1 < s.length() && s.charAt(i + 1) == ':')) return i;
        }
        return -1;
    }

    private static String what(Btf btf, Function.CoreSite site, CoreResult r) {
        if (r != null) return r.access();
        String c = CoreRelocator.describeAccess(btf, site.relo());
        if (c != null) return c;
        String n = nameOf(btf, site.relo().typeId());
        return (n.isEmpty() ? "<anon>" : n) + " (access " + site.relo().access() + ")";
    }

    static String nameOf(Btf btf, int id) {
        try {
            String n = btf.name(id);
            return n == null ? "" : n;
        } catch (RuntimeException e) {
            return "";
        }
    }
}
