package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.DebianKernels;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j core relocs} and {@code bpf4j core check} on the CO-RE corpus: relocs prints
 * exactly libbpf's answers (the oracle's lines), check fails an object on the kernels it does not
 * fit, naming the member, and passes it where it does. Debian's kernels are the pinned ones (their
 * trimmed BTF and libbpf's answers are checked in). No root needed.
 */
class CoreCommandTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String corpus(String name) {
        return CoreOracle.fixtures().resolve(name + ".bpf.o").toString();
    }

    /** A pinned Debian kernel: its checked-in trimmed BTF and libbpf's checked-in answers. */
    private static DebianKernels.Kernel debian(String release) {
        return DebianKernels.pinned(release);
    }

    @Test
    void relocsPrintsLibbpfsAnswersForAnotherKernel() {
        DebianKernels.Kernel k = debian("6.1.0-56-amd64");
        for (String name : List.of("fields", "bitfields", "subprog", "enums")) {
            Run r = run("core", "relocs", corpus(name), "--btf", k.btf().toString());
            List<String> expected = CoreOracle.expected(Path.of(corpus(name)), k.release());
            assertEquals(String.join("\n", expected) + "\n", r.out(), name);
            assertEquals(0, r.status(), name);
        }
        Run err = run("core", "relocs", corpus("ambiguous_field"), "--btf", k.btf().toString());
        assertEquals(1, err.status(), "a relocation libbpf fails: exit 1");
        assertTrue(err.out().contains("\tbyte_off\tirq_info\t0:0\terror\n"), err.out());
    }

    @Test
    void relocsDefaultsToTheRunningKernel() {
        KernelTests.require(Files.isReadable(VMLINUX), "no " + VMLINUX);
        Run r = run("core", "relocs", corpus("types"));
        assertEquals(String.join("\n", CoreOracle.run(Path.of(corpus("types")), VMLINUX)) + "\n", r.out());
        assertEquals(0, r.status());
    }

    @Test
    void relocsVerboseExplains() {
        DebianKernels.Kernel k = debian("6.1.0-56-amd64");
        Run r = run("core", "relocs", corpus("newer_kernel"), "--btf", k.btf().toString(), "-v");
        List<String> lines = List.of(r.out().split("\n"));
        assertTrue(lines.contains("reads_new_field\t9\tbyte_off\ttask_struct\t0:1\tpoison\ttask_struct.rseq_len\t"
                + "the target's task_struct has no rseq_len"), r.out());
        assertTrue(lines.contains("guarded_old_field\t12\tbyte_off\ttask_struct\t0:2\t5100\ttask_struct.memcg_oom_order\t"
                + "[193] struct task_struct.memcg_oom_order (0:222 @ offset 5100)"), r.out());
    }

    @Test
    void checkFailsOn61AndPassesHereNamingTheMember() {
        KernelTests.require(Files.isReadable(VMLINUX), "no " + VMLINUX);
        List<String> args = new ArrayList<>(List.of("core", "check", corpus("newer_kernel")));
        // the 6.1 kernels lack what newer_kernel reads; Debian's 6.12 has it, as this host's kernel
        List<DebianKernels.Kernel> debian = DebianKernels.pinned().stream().filter(k -> k.release().startsWith("6.1.")).toList();
        DebianKernels.Kernel k612 = DebianKernels.pinned().stream().filter(k -> k.release().startsWith("6.12.")).findFirst().orElseThrow();
        assertEquals(3, debian.size());
        for (DebianKernels.Kernel t : debian) args.addAll(List.of("--btf", t.btf().toString()));
        args.addAll(List.of("--btf", k612.btf().toString(), "--btf", VMLINUX.toString()));
        Run r = run(args.toArray(String[]::new));
        assertEquals(1, r.status(), r.out());
        assertEquals(k612.btf() + ": ok (6 relocations, 1 poisoned (0 reachable))\n"
                + "  guarded_old_field insn 12: byte_off of task_struct.memcg_oom_order: poisoned, unreachable (guarded): "
                + "ok: the target's task_struct has no memcg_oom_order\n", block(r.out(), k612.btf().toString()));
        for (DebianKernels.Kernel t : debian) {
            String block = block(r.out(), t.btf().toString());
            assertTrue(block.startsWith(t.btf() + ": FAIL (6 relocations, 2 poisoned (2 reachable))\n"), block);
            assertTrue(block.contains("  reads_new_field insn 9: byte_off of task_struct.rseq_len: poisoned, reachable: "
                    + "FAILS: the target's task_struct has no rseq_len\n"), block);
            assertTrue(block.contains("  reads_new_enumerator insn 0: enumval_value of bpf_map_type::BPF_MAP_TYPE_ARENA: "
                    + "poisoned, reachable: FAILS: the target's bpf_map_type has no BPF_MAP_TYPE_ARENA\n"), block);
        }
        assertEquals(VMLINUX + ": ok (6 relocations, 1 poisoned (0 reachable))\n"
                + "  guarded_old_field insn 12: byte_off of task_struct.memcg_oom_order: poisoned, unreachable (guarded): "
                + "ok: the target's task_struct has no memcg_oom_order\n", block(r.out(), VMLINUX.toString()));

        // only here: passes
        Run here = run("core", "check", corpus("newer_kernel"), "--btf", VMLINUX.toString());
        assertEquals(0, here.status(), here.out());
    }

    @Test
    void checkOfTheOlderObjectIsTheMirrorImage() {
        KernelTests.require(Files.isReadable(VMLINUX), "no " + VMLINUX);
        Run here = run("core", "check", corpus("older_kernel"));
        assertEquals(1, here.status(), here.out());
        assertEquals("running kernel (/sys/kernel/btf/vmlinux): FAIL (8 relocations, 2 poisoned (2 reachable))\n"
                + "  old_field_of insn 1: byte_off of task_struct.memcg_oom_order: poisoned, reachable: FAILS: "
                + "the target's task_struct has no memcg_oom_order\n"
                + "  reads_old_field insn 1: byte_off of task_struct.memcg_oom_order: poisoned, reachable: FAILS: "
                + "the target's task_struct has no memcg_oom_order\n", here.out());
        for (DebianKernels.Kernel t : DebianKernels.pinned()) {
            Run r = run("core", "check", corpus("older_kernel"), "--btf", t.btf().toString());
            if (t.release().startsWith("6.12.")) {
                // Debian's 6.12 has no memcg_oom_order either: as here
                assertEquals(1, r.status(), r.out());
                assertEquals(here.out().replace("running kernel (/sys/kernel/btf/vmlinux)", t.btf().toString()), r.out());
                continue;
            }
            assertEquals(0, r.status(), r.out());
            assertTrue(r.out().startsWith(t.btf() + ": ok (8 relocations, 2 poisoned (0 reachable))\n"), r.out());
        }
    }

    @Test
    void checkReportsErrorsAndWhatLibbpfNeverReached() {
        DebianKernels.Kernel k = debian("6.1.0-56-amd64");
        Run r = run("core", "check", corpus("ambiguous_field"), "--btf", k.btf().toString());
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith(k.btf() + ": FAIL (3 relocations, 1 failed)\n"), r.out());
        assertTrue(r.out().contains("  ambiguous_irq insn 10: byte_off of irq_info.irq: error: FAILS: program 'ambiguous_irq': "
                + "CO-RE relocation #1 (byte_off of [19] struct irq_info, access 0:0): field offset ambiguity: "), r.out());
        assertTrue(r.out().contains("  ambiguous_irq insn 18: byte_off of task_struct.tgid: not processed (libbpf stops at "
                + "the first error)\n"), r.out());
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("core").status());
        Run bad = run("core", "frobnicate", "x.o");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown core subcommand 'frobnicate'"), bad.err());
        assertEquals(2, run("core", "relocs").status());
        assertEquals(2, run("core", "relocs", "a.o", "--btf", "x", "--btf", "y").status());
        Run missing = run("core", "relocs", "/nonexistent.bpf.o", "--btf", "/nonexistent.btf");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("/nonexistent.bpf.o"), missing.err());
    }

    /** The lines of {@code out} from the one starting with {@code label + ":"} to the next unindented one. */
    private static String block(String out, String label) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : out.split("\n")) {
            if (!line.startsWith("  ")) in = line.startsWith(label + ": ");
            if (in) sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
