package org.bpf4j;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreException;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.core.CoreResult;

/** Applies an object's CO-RE relocations, in .BTF.ext order as libbpf does. */
final class CoreApplier {
    private CoreApplier() {}

    private static boolean skipped(Function f, Set<Function> loaded, ObjectSpec spec) {
        if (loaded != null) return !loaded.contains(f);
        ProgramSpec p = spec.programs().get(f.name);
        return p != null && p.function() == f && !p.autoload();
    }

    /** Resolves without patching; failures are recorded, and everything after the first is unprocessed. */
    static List<CoreRelocation> resolve(ObjectSpec spec, List<Btf> targets, Set<Function> loaded) {
        List<CoreRelocation> out = new ArrayList<>();
        if (spec.coreSites().isEmpty()) return out;
        CoreRelocator relocator = new CoreRelocator(spec.btf(), targets);
        boolean failed = false;
        for (Function.CoreSite site : spec.coreSites()) {
            if (skipped(site.function(), loaded, spec)) continue;
            String type = nameOf(spec.btf(), site.relo().typeId());
            if (failed) {
                out.add(new CoreRelocation(site.function().name, site.insn(), site.relo().kind(), type,
                        site.relo().access(), null, null, false));
                continue;
            }
            try {
                CoreResult r = relocator.resolve(site.function().name, site.index(), site.relo());
                out.add(new CoreRelocation(site.function().name, site.insn(), site.relo().kind(), type,
                        site.relo().access(), r, null, true));
            } catch (CoreException e) {
                failed = true;
                out.add(new CoreRelocation(site.function().name, site.insn(), site.relo().kind(), type,
                        site.relo().access(), null, e.getMessage(), true));
            }
        }
        return out;
    }

    /**
     * Copies the instructions of every function in {@code loaded} and applies the CO-RE
     * relocations that fall in them; throws {@link CoreException} on the first failure. The
     * applied relocations go to {@code applied} (for error messages about poisoned instructions).
     */
    static Map<Function, Instructions> apply(ObjectSpec spec, List<Btf> targets, Set<Function> loaded,
                                             List<CoreRelocation> applied) {
        Map<Function, Instructions> code = new IdentityHashMap<>();
        for (Function f : loaded) code.put(f, f.insns.copy());
        if (spec.coreSites().isEmpty()) return code;
        CoreRelocator relocator = new CoreRelocator(spec.btf(), targets);
        for (Function.CoreSite site : spec.coreSites()) {
            Function f = site.function();
            if (!loaded.contains(f)) continue;
            CoreResult r = relocator.resolve(f.name, site.index(), site.relo());
            CoreRelocator.patch(f.name, code.get(f), site.insn(), site.relo(), site.index(), r);
            applied.add(new CoreRelocation(f.name, site.insn(), site.relo().kind(), nameOf(spec.btf(), site.relo().typeId()),
                    site.relo().access(), r, null, true));
        }
        return code;
    }

    static String nameOf(Btf btf, int id) {
        String n = btf.name(id);
        return n == null ? "" : n;
    }
}
