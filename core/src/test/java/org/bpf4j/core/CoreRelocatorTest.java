package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.btf.CoreReloKind;
import org.junit.jupiter.api.Test;

/**
 * The CO-RE engine on hand-made BTF, where the corpus cannot go: module BTFs (searched only for
 * types vmlinux has no candidate for, all of them, loaded lazily), candidate pruning, libbpf's
 * patch-time checks, malformed relocations. No kernel needed.
 */
class CoreRelocatorTest {
    private static CoreRelo relo(int typeId, String access, CoreReloKind kind) {
        return new CoreRelo(0, typeId, 0, access, kind);
    }

    /** vmlinux: task_struct {pid, tgid}, union foo {a}. */
    static Btf vmlinux() {
        TinyBtf t = TinyBtf.base();
        int i = t.integer("int", 4, true);
        t.struct("task_struct", 8, "pid", i, 0, "tgid", i, 32);
        t.union("foo", 4, "a", i, 0);
        return t.build("vmlinux");
    }

    /** A module with nf_conn {pad, mark at byte markOff} and struct foo {x, a}. */
    static Btf module(Btf vmlinux, String name, int markOff) {
        return module(vmlinux, name, markOff, false);
    }

    static Btf module(Btf vmlinux, String name, int markOff, boolean extraTypeFirst) {
        TinyBtf t = TinyBtf.split(vmlinux);
        int i = 1; // vmlinux's int
        if (extraTypeFirst) t.ptr(i);
        t.struct("nf_conn", 16, "pad", i, 0, "mark", i, markOff * 8);
        t.struct("foo", 8, "x", i, 0, "a", i, 32);
        return t.build(name);
    }

    record Local(Btf btf, int task, int nfConn, int foo, int nowhere) {}

    static Local local() {
        TinyBtf t = TinyBtf.base();
        int i = t.integer("int", 4, true);
        int task = t.struct("task_struct", 4, "tgid", i, 0);
        int nf = t.struct("nf_conn", 4, "mark", i, 0);
        int foo = t.struct("foo", 4, "a", i, 0);
        int nowhere = t.struct("nowhere", 4, "z", i, 0);
        return new Local(t.build("local"), task, nf, foo, nowhere);
    }

    @Test
    void modulesAreSearchedLazilyOnlyForTypesVmlinuxHasNoCandidateFor() {
        Btf vmlinux = vmlinux();
        AtomicInteger loads = new AtomicInteger();
        CoreTargets targets = CoreTargets.of(vmlinux, () -> {
            loads.incrementAndGet();
            return List.of(module(vmlinux, "modA", 8), module(vmlinux, "modB", 8, true));
        });
        Local l = local();
        CoreRelocator r = new CoreRelocator(l.btf(), targets);
        assertEquals(4, r.resolve("p", 0, relo(l.task(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET)).newValue());
        assertFalse(targets.modulesLoaded(), "vmlinux had task_struct: no module BTF read");
        assertEquals(0, loads.get());

        CoreResult mark = r.resolve("p", 1, relo(l.nfConn(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET));
        assertEquals(8, mark.newValue());
        assertEquals(2, mark.candidates(), "both modules' nf_conn are candidates (libbpf collects every module's)");
        assertEquals(1, loads.get());
        // vmlinux's 'foo' is a union: not a candidate for a struct, so the modules' struct foo is found
        assertEquals(4, r.resolve("p", 2, relo(l.foo(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET)).newValue());
        CoreResult none = r.resolve("p", 3, relo(l.nowhere(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET));
        assertTrue(none.poison());
        assertEquals(0, none.candidates());
        assertEquals(1, loads.get(), "module BTFs read once");
        // two candidates with different type ids (each module numbers its types from vmlinux's count):
        // libbpf's "relocation decision ambiguity"
        CoreException e = assertThrows(CoreException.class,
                () -> r.resolve("p", 4, relo(l.nfConn(), "0", CoreReloKind.TYPE_ID_TARGET)));
        assertTrue(e.getMessage().contains("relocation decision ambiguity"), e.getMessage());
        assertEquals(List.of("[4] struct nf_conn", "[5] struct nf_conn"), r.candidates(l.nfConn()),
                "each module numbers its types after vmlinux's");
    }

    @Test
    void modulesThatDisagreeAreAnAmbiguity() {
        Btf vmlinux = vmlinux();
        Local l = local();
        CoreRelocator r = new CoreRelocator(l.btf(),
                CoreTargets.of(vmlinux, () -> List.of(module(vmlinux, "modA", 8), module(vmlinux, "modB", 12))));
        CoreException e = assertThrows(CoreException.class,
                () -> r.resolve("prog", 7, relo(l.nfConn(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET)));
        assertEquals("program 'prog': CO-RE relocation #7 (byte_off of [3] struct nf_conn, access 0:0): field offset "
                + "ambiguity: candidates [4] struct nf_conn.mark (0:1 @ offset 8) and [4] struct nf_conn.mark (0:1 @ "
                + "offset 12) place it at different bit offsets (64 != 96)", e.getMessage());
    }

    @Test
    void aTargetBtfOfTheUsersChoiceIsSearchedAlone() {
        Btf vmlinux = vmlinux();
        Local l = local();
        CoreTargets targets = CoreTargets.of(vmlinux);
        assertFalse(targets.searchesModules());
        CoreResult r = new CoreRelocator(l.btf(), targets).resolve("p", 0, relo(l.nfConn(), "0:0",
                CoreReloKind.FIELD_BYTE_OFFSET));
        assertTrue(r.poison(), "as libbpf with btf_custom_path: no module search");
        assertEquals(List.of(), targets.modules());
    }

    @Test
    void modulesInLoadOrder() {
        // /proc/modules lists the newest module first; libbpf walks BTF objects by id (load order)
        List<String> proc = List.of("nf_nat 61440 1 xt_MASQUERADE, Live 0x0000000000000000",
                "nf_conntrack 176128 2 nf_nat,xt_conntrack, Live 0x0000000000000000",
                "nls_ascii 12288 1 - Live 0x0000000000000000");
        assertEquals(List.of("nls_ascii", "nf_conntrack", "nf_nat", "a_builtin_with_btf"),
                CoreTargets.loadOrder(List.of("nf_nat", "a_builtin_with_btf", "nf_conntrack", "nls_ascii"), proc));
        assertEquals(List.of("a", "b"), CoreTargets.loadOrder(List.of("b", "a"), List.of()));
    }

    @Test
    void candidatesArePrunedToThoseThatMatched() {
        // two target 's': only the first has 'a', only the second has 'c'
        TinyBtf t = TinyBtf.base();
        int i = t.integer("int", 4, true);
        t.struct("s", 8, "a", i, 0, "b", i, 32);
        t.struct("s", 8, "b", i, 32, "c", i, 0);
        Btf target = t.build("target");
        TinyBtf lt = TinyBtf.base();
        int li = lt.integer("int", 4, true);
        int s = lt.struct("s", 12, "a", li, 0, "b", li, 32, "c", li, 64);
        int flavor = lt.struct("s___other", 4, "c", li, 0);
        Btf local = lt.build("local");
        CoreRelocator r = new CoreRelocator(local, target);
        assertEquals(4, r.resolve("p", 0, relo(s, "0:1", CoreReloKind.FIELD_BYTE_OFFSET)).newValue(), "b: both agree");
        assertEquals(List.of("[2] struct s", "[3] struct s"), r.candidates(s));
        assertEquals(0, r.resolve("p", 1, relo(s, "0:0", CoreReloKind.FIELD_BYTE_OFFSET)).newValue());
        assertEquals(List.of("[2] struct s"), r.candidates(s), "a matched only [2]: libbpf keeps only it");
        assertTrue(r.resolve("p", 2, relo(s, "0:2", CoreReloKind.FIELD_BYTE_OFFSET)).poison(),
                "c is in [3], which is no longer a candidate");
        assertEquals(List.of("[2] struct s"), r.candidates(s), "no match: the list stays as it was");
        assertEquals(0, r.resolve("p", 3, relo(flavor, "0:0", CoreReloKind.FIELD_BYTE_OFFSET)).newValue(),
                "a flavor has its own candidate list");
    }

    @Test
    void malformedAndAnonymousRelocationsFail() {
        Local l = local();
        CoreRelocator r = new CoreRelocator(l.btf(), vmlinux());
        for (String access : List.of("", ":0", "0::1", "0:x", "0:1", "0:-1", "1:0:0")) {
            CoreException e = assertThrows(CoreException.class,
                    () -> r.resolve("p", 0, relo(l.task(), access, CoreReloKind.FIELD_BYTE_OFFSET)), access);
            assertTrue(e.getMessage().startsWith("program 'p': CO-RE relocation #0 (byte_off of [2] struct task_struct, "
                    + "access " + access + "): cannot parse: "), e.getMessage());
        }
        assertThrows(CoreException.class, () -> r.resolve("p", 0, relo(l.task(), "1", CoreReloKind.TYPE_SIZE)));
        assertEquals(4, r.resolve("p", 0, relo(l.task(), "0:0:", CoreReloKind.FIELD_BYTE_SIZE)).newValue(),
                "a trailing ':' is tolerated, as by libbpf's parser");

        TinyBtf t = TinyBtf.base();
        int i = t.integer("int", 4, true);
        int anon = t.struct(null, 4, "x", i, 0);
        Btf local = t.build("local");
        CoreRelocator ra = new CoreRelocator(local, vmlinux());
        assertEquals(anon, ra.resolve("p", 0, relo(anon, "0", CoreReloKind.TYPE_ID_LOCAL)).newValue(),
                "local_type_id needs no name");
        CoreException e = assertThrows(CoreException.class,
                () -> ra.resolve("p", 1, relo(anon, "0:0", CoreReloKind.FIELD_BYTE_OFFSET)));
        assertTrue(e.getMessage().contains("the local type is anonymous"), e.getMessage());
    }

    @Test
    void essentialNames() {
        assertEquals(11, CoreRelocator.essentialNameLength("task_struct___v1"));
        assertEquals(11, CoreRelocator.essentialNameLength("task_struct"));
        assertEquals("a___b".length(), CoreRelocator.essentialNameLength("a___b___c"));
        assertEquals(10, CoreRelocator.essentialNameLength("foo____bar"), "four underscores are no separator");
        assertEquals(4, CoreRelocator.essentialNameLength("___x"));
        assertEquals(6, CoreRelocator.essentialNameLength("foo___"));
    }

    // ------------------------------------------------------------------------------ patching

    private static CoreResult result(long orig, long nv, boolean validate, int origSize, int newSize, boolean failMemsz) {
        return new CoreResult(false, orig, nv, validate, origSize, newSize, 0, 0, failMemsz, "l", "t", "x", 1);
    }

    private static Instructions one(int code, int dst, int src, int off, int imm) {
        Instructions in = new Instructions(new byte[16]);
        in.set(0, code, dst, src, off, imm);
        in.set(1, Opcode.EXIT_INSN, 0, 0, 0, 0);
        return in;
    }

    @Test
    void patchChecksTheInstructionLikeLibbpf() {
        CoreRelo relo = relo(1, "0:0", CoreReloKind.FIELD_BYTE_OFFSET);
        int aluMovK = Opcode.ALU64 | Opcode.MOV | Opcode.K;
        Instructions in = one(aluMovK, 1, 0, 0, 24);
        assertFalse(CoreRelocator.patch("p", in, 0, relo, 0, result(24, 1264, true, 0, 0, false)));
        assertEquals(1264, in.imm(0));

        CoreException e = assertThrows(CoreException.class,
                () -> CoreRelocator.patch("p", one(aluMovK, 1, 0, 0, 25), 0, relo, 3, result(24, 1264, true, 0, 0, false)));
        assertEquals("program 'p': CO-RE relocation #3 at insn #0: the instruction holds 25, the compiler recorded 24",
                e.getMessage());
        // no validation (bitfields): any immediate
        assertFalse(CoreRelocator.patch("p", one(aluMovK, 1, 0, 0, 25), 0, relo, 0, result(24, 8, false, 0, 0, false)));
        // libbpf compares the sign-extended immediate with the 64-bit value
        assertFalse(CoreRelocator.patch("p", one(aluMovK, 1, 0, 0, -1), 0, relo, 0, result(-1L, 5, true, 0, 0, false)));
        assertThrows(CoreException.class,
                () -> CoreRelocator.patch("p", one(aluMovK, 1, 0, 0, -1), 0, relo, 0, result(0xffffffffL, 5, true, 0, 0, false)));
        assertThrows(CoreException.class, () -> CoreRelocator.patch("p", one(Opcode.ALU64 | Opcode.ADD | Opcode.X, 1, 2, 0, 0),
                0, relo, 0, result(0, 8, true, 0, 0, false)), "register source");

        int ldxW = Opcode.LDX | Opcode.MEM | Opcode.W;
        int ldxDW = Opcode.LDX | Opcode.MEM | Opcode.DW;
        Instructions ld = one(ldxDW, 1, 2, 16, 0);
        assertFalse(CoreRelocator.patch("p", ld, 0, relo, 0, result(16, 40, true, 8, 4, false)));
        assertEquals(40, ld.off(0));
        assertEquals(ldxW, ld.code(0), "an unsigned field that shrank: a 4-byte load");
        assertThrows(CoreException.class, () -> CoreRelocator.patch("p", one(ldxDW, 1, 2, 16, 0), 0, relo, 0,
                result(16, 40000, true, 8, 8, false)), "offset beyond s16");
        assertThrows(CoreException.class, () -> CoreRelocator.patch("p", one(ldxW, 1, 2, 16, 0), 0, relo, 0,
                result(16, 40, true, 8, 4, false)), "the load is not of the size the field had");
        Instructions bad = one(ldxDW, 1, 2, 16, 0);
        assertTrue(CoreRelocator.patch("p", bad, 0, relo, 0, result(16, 40, true, 8, 4, true)), "signed: poisoned");
        assertEquals(Opcode.CALL_INSN, bad.code(0));
        assertEquals(CoreRelocator.POISON_IMM, bad.imm(0));

        Instructions ldimm = new Instructions(new byte[24]);
        ldimm.set(0, Opcode.LD_IMM64, 1, 0, 0, 5);
        ldimm.set(1, 0, 0, 0, 0, 0);
        ldimm.set(2, Opcode.EXIT_INSN, 0, 0, 0, 0);
        CoreResult poison = new CoreResult(true, 5, 0, true, 0, 0, 0, 0, false, "l", null, "x", 0);
        assertTrue(CoreRelocator.patch("p", ldimm, 0, relo, 0, poison));
        assertEquals(CoreRelocator.POISON_IMM, ldimm.imm(0));
        assertEquals(CoreRelocator.POISON_IMM, ldimm.imm(1), "both halves of an LD_IMM64");
        assertEquals(Opcode.CALL_INSN, ldimm.code(1));

        assertThrows(CoreException.class, () -> CoreRelocator.patch("p", one(Opcode.JMP | Opcode.JA, 0, 0, 1, 0), 0, relo,
                0, result(1, 2, true, 0, 0, false)), "a jump cannot be relocated");
    }
}
