package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.bpf4j.btf.Btf;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.DebianKernels;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CO-RE failures as libbpf has them, on the real kernel: a relocation the target cannot satisfy
 * poisons its instruction, the verifier rejects the program only if that instruction is
 * reachable, and the error then names the relocation (program or subprogram, instruction, kind,
 * type and member). Uses the corpus objects older_kernel.bpf.o and newer_kernel.bpf.o:
 * task_struct.memcg_oom_order exists on the 6.1 kernels only, task_struct.rseq_len and
 * BPF_MAP_TYPE_ARENA on this 6.18 kernel only.
 */
class CoreLoadTest {
    static final Path OLDER = CoreOracle.fixtures().resolve("older_kernel.bpf.o");
    static final Path NEWER = CoreOracle.fixtures().resolve("newer_kernel.bpf.o");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    private static VerifierException rejected(Path object, String program, LoadOptions opt) {
        ObjectSpec spec = ObjectSpec.read(object);
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        VerifierException e = assertThrows(VerifierException.class,
                () -> spec.load(opt.withPrograms(Set.of(program))).close());
        before.assertNothingLeftBehind("a load rejected for a poisoned instruction", spec.programs().keySet());
        assertTrue(e.log().contains("invalid func unknown#" + CoreRelocator.POISON_IMM), e.log());
        return e;
    }

    @Test
    void reachableReadOfAMissingMemberIsRejectedNamingTheRelocation() {
        VerifierException e = rejected(OLDER, "reads_old_field", LoadOptions.defaults());
        assertEquals("reads_old_field", e.program());
        assertTrue(e.verdict().startsWith("invalid func unknown#195896080\n"), e.verdict());
        assertTrue(e.verdict().contains("instruction 1 is a CO-RE relocation the target kernel could not satisfy: "
                + "byte_off of task_struct.memcg_oom_order (function 'reads_old_field' instruction 1, access 0:2): "
                + "the target's task_struct has no memcg_oom_order"), e.verdict());
        assertTrue(e.getMessage().contains("older_kernel.bpf.c:"), "source line: " + e.getMessage());
    }

    @Test
    void poisonedInstructionInASubprogramIsNamedByTheSubprogram() {
        VerifierException e = rejected(OLDER, "reads_old_field_in_subprog", LoadOptions.defaults());
        // old_field_of is appended after the program's own instructions; the message counts from its start
        assertTrue(e.verdict().contains("byte_off of task_struct.memcg_oom_order (function 'old_field_of' instruction 1, "
                + "access 0:2)"), e.verdict());
    }

    @Test
    void guardedUsesOfWhatIsMissingLoad() {
        ObjectSpec spec = ObjectSpec.read(OLDER);
        List<CoreRelocation> relocs = spec.resolveCore(Btf.kernel()).stream()
                .filter(r -> r.program().startsWith("guarded_")).toList();
        assertEquals(List.of("PATCHED 1", "PATCHED 2688", "PATCHED 1", "PATCHED 33", "PATCHED 1"),
                relocs.stream().map(r -> r.outcome() + " " + r.resultText()).toList());
        ObjectSpec newer = ObjectSpec.read(NEWER);
        List<CoreRelocation> guarded = newer.resolveCore(Btf.kernel()).stream()
                .filter(r -> r.program().equals("guarded_old_field")).toList();
        assertEquals(List.of("PATCHED 1264", "PATCHED 0", "POISONED poison"),
                guarded.stream().map(r -> r.outcome() + " " + r.resultText()).toList(),
                "pid read, field_exists 0, the read behind it poisoned");
        assertTrue(guarded.get(2).deadCode(), "behind the guard");
        try (BpfObject obj = newer.load()) {
            assertEquals(Set.of("reads_new_field", "reads_new_enumerator", "guarded_old_field"), obj.programs().keySet());
        }
    }

    @Test
    void relocatedForAnotherKernelTheNewMembersArePoisoned() {
        // the 6.1 BTF as CO-RE target (LoadOptions.targetBtf), loaded into this kernel: what 6.1 lacks is poisoned
        Btf debian = Btf.read(DebianKernels.pinned().getFirst().btf());
        LoadOptions opt = LoadOptions.defaults().withTargetBtf(debian);
        VerifierException e = rejected(NEWER, "reads_new_field", opt);
        assertTrue(e.verdict().contains("byte_off of task_struct.rseq_len (function 'reads_new_field' instruction 9"),
                e.verdict());
        VerifierException en = rejected(NEWER, "reads_new_enumerator", opt);
        assertTrue(en.verdict().contains("enumval_value of bpf_map_type::BPF_MAP_TYPE_ARENA (function "
                + "'reads_new_enumerator' instruction 0, access 1): the target's bpf_map_type has no "
                + "BPF_MAP_TYPE_ARENA"), en.verdict());
        // relocated for 6.1, the object for 6.1 loads (the verifier does not check the offsets that
        // bpf_probe_read_kernel reads from)
        try (BpfObject obj = ObjectSpec.read(OLDER).load(opt)) {
            assertEquals(4, obj.programs().size());
        }
    }
}
