package org.bpf4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreException;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.core.CoreResult;
import org.bpf4j.core.CoreTargets;

/**
 * Applies an object's CO-RE relocations as libbpf's {@code bpf_object__relocate_core} does: in
 * .BTF.ext order (section by section, record by record), in every program that is going to be
 * loaded and in every {@code .text} subprogram (called or not), with one candidate cache for the
 * whole object, stopping at the first relocation that fails.
 */
final class CoreApplier {
    private CoreApplier() {}

    /** libbpf relocates autoload programs and all subprograms; {@code programs} null: by autoload. */
    static Predicate<Function> included(ObjectSpec spec, java.util.Collection<String> programs) {
        return f -> {
            ProgramSpec p = spec.programs().get(f.name);
            if (p == null || p.function() != f) return true; // a subprogram
            return programs == null ? p.autoload() : programs.contains(p.name());
        };
    }

    /**
     * Resolves and patches (on copies) every included relocation without loading anything: the
     * answers {@code bpf4j core relocs} prints. Never throws for a relocation: a failure is
     * recorded, and everything after it is {@link CoreRelocation.Outcome#UNPROCESSED}.
     */
    static List<CoreRelocation> resolve(ObjectSpec spec, CoreTargets targets, Predicate<Function> included) {
        List<CoreRelocation> out = new ArrayList<>();
        if (spec.coreSites().isEmpty()) return out;
        run(spec, targets, included, new IdentityHashMap<>(), out, false);
        return out;
    }

    /**
     * Copies the instructions of every function in {@code loaded} and applies the included CO-RE
     * relocations (those in functions not loaded are applied to scratch copies, for libbpf's
     * candidate pruning and failures); throws {@link CoreException} on the first failure. The
     * applied relocations go to {@code applied} (for error messages about poisoned instructions).
     */
    static Map<Function, Instructions> apply(ObjectSpec spec, CoreTargets targets, Predicate<Function> included,
                                             java.util.Set<Function> loaded, List<CoreRelocation> applied) {
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
                        CoreRelocation.Outcome.UNPROCESSED, 0, what(btf, site, null), "not reached: " + failure, null));
                continue;
            }
            CoreResult r = null;
            try {
                r = relocator.resolve(name, site.index(), site.relo());
                Instructions insns = code.computeIfAbsent(f, x -> x.insns.copy());
                boolean poisoned = CoreRelocator.patch(name, insns, site.insn(), site.relo(), site.index(), r);
                long value = poisoned ? 0 : r.newValue();
                out.add(new CoreRelocation(name, site.insn(), site.relo().kind(), type, site.relo().access(),
                        poisoned ? CoreRelocation.Outcome.POISONED : CoreRelocation.Outcome.PATCHED, value,
                        r.access(), poisoned ? poisonReason(r) : null, r));
            } catch (CoreException e) {
                if (throwOnFailure) throw e;
                failure = e.getMessage();
                out.add(new CoreRelocation(name, site.insn(), site.relo().kind(), type, site.relo().access(),
                        CoreRelocation.Outcome.FAILED, 0, what(btf, site, r), e.getMessage(), r));
            }
        }
    }

    /** Why a relocation poisoned its instruction, in words. */
    static String poisonReason(CoreResult r) {
        if (!r.poison()) {
            return "the target's " + r.targetSpec() + " differs in size and is not an unsigned integer or pointer: "
                    + "the load or store would access it incorrectly";
        }
        String what = r.access();
        int dot = indexOfAccess(what);
        String typeName = dot < 0 ? what : what.substring(0, dot);
        if (r.candidates() == 0) return "the target has no type named like " + typeName;
        return "no " + (r.candidates() == 1 ? "" : "candidate ") + typeName + " of the target has " + what
                + (r.candidates() > 1 ? " (" + r.candidates() + " candidates)" : "");
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
