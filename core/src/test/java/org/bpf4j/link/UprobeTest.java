package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * uprobes and uretprobes on the real kernel: libc's getpid called a known number of times by
 * this thread, and b4j_square_plus of the fixture executable uprobe_target (a PIE whose probed
 * segment sits at another address than its file offset), through the PMU and through tracefs.
 */
@Tag("matrix")
class UprobeTest {
    static final Path TARGET = KernelTests.fixture("uprobe_target");
    static final List<String> NAMES = List.of("on_getpid", "on_getpid_auto", "on_square_entry", "on_square_retu",
            "args", "rets", "samples", "attach.bss", "attach.rodata", ".bss", ".rodata");

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static ObjectSpec spec() {
        return ObjectSpec.read(KernelTests.fixture("attach.o"));
    }

    private static final MethodHandle GETPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** Calls libc's getpid() (the function, not the system call) {@code n} times from this thread. */
    static void libcGetpid(int n) {
        try {
            for (int i = 0; i < n; i++) {
                int pid = (int) GETPID.invokeExact();
                if (pid <= 0) throw new AssertionError("getpid returned " + pid);
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void uprobeOnLibcGetpidCountsExactlyTheCallsOfThisThread() {
        ObjectSpec spec = spec();
        spec.rodata().set("target_tid", Os.gettid());
        int n = 1000;
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("on_getpid")))) {
            try (UprobeLink link = obj.program("on_getpid").attachUprobe("c", "getpid", Os.getpid())) {
                assertTrue(link.path().getFileName().toString().startsWith("libc.so"), link.path().toString());
                assertNull(link.tracefsEvent(), "the uprobe PMU exists here");
                libcGetpid(n);
            }
            libcGetpid(100); // detached: not counted
            assertEquals(n, obj.bss().getLong("getpid_calls"));
        }
    }

    @Test
    void sectionNameAutoAttachesToLibc() {
        ObjectSpec spec = spec();
        spec.rodata().set("target_tid", Os.gettid());
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("on_getpid_auto")))) {
            var link = obj.program("on_getpid_auto").attach();
            assertTrue(link instanceof UprobeLink, link.toString());
            assertTrue(link.target().contains(":getpid"), link.target());
            libcGetpid(321);
            link.close();
            libcGetpid(5);
            assertEquals(321, obj.bss().getLong("getpid_auto_calls"));
        }
    }

    @Test
    void attachAllSkipsSectionsWithoutATarget() {
        ObjectSpec spec = spec();
        spec.rodata().set("target_tid", Os.gettid());
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(
                Set.of("on_getpid", "on_square_entry", "on_square_return", "on_getpid_auto")))) {
            List<BpfLink> links = obj.attachAll();
            assertEquals(1, links.size(), "SEC(\"uprobe\") and SEC(\"uretprobe\") name no target: " + links);
            assertTrue(links.get(0) instanceof UprobeLink);
            libcGetpid(17);
            links.get(0).close();
            assertEquals(17, obj.bss().getLong("getpid_auto_calls"));
            assertEquals(0, obj.bss().getLong("getpid_calls"));
        }
    }

    /** Starts uprobe_target {@code n wait}: it calls b4j_square_plus(1..n) after a line on stdin. */
    static Process startTarget(int n) throws IOException {
        KernelTests.require(SysNr.X86_64, "the uprobe_target fixture is an x86-64 executable");
        return new ProcessBuilder(TARGET.toString(), Integer.toString(n), "wait").redirectErrorStream(true).start();
    }

    static String release(Process p) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    record Call(int tgid, int value) {}

    static List<Call> calls(BpfObject obj, String map, String counter) {
        int n = (int) Math.min(64, obj.bss().getLong(counter) & 0xffffffffL);
        List<Call> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array();
            ByteBuffer v = ByteBuffer.wrap(obj.map(map).lookup(key)).order(ByteOrder.LITTLE_ENDIAN);
            out.add(new Call(v.getInt(0), v.getInt(4)));
        }
        return out;
    }

    static long expectedSum(int n) {
        long s = 0;
        for (int i = 1; i <= n; i++) s += 2L * (i * i + 1);
        return s;
    }

    @Test
    void uretprobeSeesTheReturnValuesOfAPieFunctionInOneProcessOnly() throws Exception {
        int n = 20;
        Process a = startTarget(n), b = startTarget(n);
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("on_square_entry", "on_square_return")))) {
            int pid = (int) a.pid();
            UprobeLink entry = obj.program("on_square_entry").attachUprobe(TARGET.toString(), "b4j_square_plus", pid);
            UprobeLink ret = obj.program("on_square_return").attachUretprobe(TARGET.toString(), "b4j_square_plus", pid);
            assertEquals(0x4010, entry.fileOffset(), "address 0x20010 lies at file offset 0x4010");
            assertEquals(entry.fileOffset(), ret.fileOffset());
            assertTrue(ret.retprobe());
            assertEquals(Long.toString(expectedSum(n)), release(a));
            assertEquals(Long.toString(expectedSum(n)), release(b)); // not the filtered pid: not seen
            List<Call> args = calls(obj, "args", "nargs"), rets = calls(obj, "rets", "nrets");
            assertEquals(n, args.size(), "entries of process " + pid + " only: " + args);
            assertEquals(n, rets.size(), "returns of process " + pid + " only: " + rets);
            for (int i = 0; i < n; i++) {
                int x = i + 1;
                assertEquals(new Call(pid, x), args.get(i));
                assertEquals(new Call(pid, x * x + 1), rets.get(i));
            }
            entry.close();
            ret.close();
            assertFalse(entry.isOpen());
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void symtabOnlyFunctionAndRawOffset() throws Exception {
        int n = 7;
        Process a = startTarget(n);
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("on_square_entry", "on_square_return")))) {
            int pid = (int) a.pid();
            // b4j_twice is static: only .symtab has it; its argument is b4j_square_plus's result
            try (var l = obj.program("on_square_entry").attachUprobe(UprobeLink.Options.of(TARGET.toString(), "b4j_twice").pid(pid));
                 var r = obj.program("on_square_return").attachUprobe(UprobeLink.Options.atOffset(TARGET.toString(), 0x4000)
                         .pid(pid).retprobe(true))) {
                assertEquals(0x4000, l.fileOffset());
                assertEquals(0x4000, r.fileOffset());
                release(a);
            }
            List<Call> args = calls(obj, "args", "nargs"), rets = calls(obj, "rets", "nrets");
            assertEquals(n, args.size());
            assertEquals(n, rets.size());
            for (int i = 0; i < n; i++) {
                int sq = (i + 1) * (i + 1) + 1;
                assertEquals(new Call(pid, sq), args.get(i));
                assertEquals(new Call(pid, 2 * sq), rets.get(i));
            }
        } finally {
            a.destroyForcibly();
        }
    }

    @Test
    void tracefsUprobeEventIsCreatedAndRemoved() throws Exception {
        int n = 9;
        Process a = startTarget(n);
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("on_square_return")))) {
            int pid = (int) a.pid();
            UprobeLink link = obj.program("on_square_return").attachUprobe(
                    UprobeLink.Options.of(TARGET.toString(), "b4j_square_plus").pid(pid).retprobe(true).mode(ProbeMode.TRACEFS));
            String event = link.tracefsEvent();
            assertNotNull(event);
            assertTrue(event.startsWith("uretprobes/bpf4j_" + Os.getpid() + "s" + Probes.startTicks(Os.getpid()) + "_"), event);
            String[] ge = event.split("/");
            assertTrue(Probes.exists(Probes.Kind.UPROBE, ge[0], ge[1]), "listed in uprobe_events while attached");
            release(a);
            link.close();
            assertFalse(Probes.exists(Probes.Kind.UPROBE, ge[0], ge[1]), "removed from uprobe_events on close");
            List<Call> rets = calls(obj, "rets", "nrets");
            assertEquals(n, rets.size());
            for (int i = 0; i < n; i++) assertEquals(new Call(pid, (i + 1) * (i + 1) + 1), rets.get(i));
        } finally {
            a.destroyForcibly();
        }
    }

    @Test
    void failuresNameTheirCauseAndLeaveNothingBehind() throws Exception {
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("on_square_entry")))) {
            var prog = obj.program("on_square_entry");
            var before = KernelTests.Snapshot.take();
            Set<String> eventsBefore = Set.copyOf(Files.readAllLines(Probes.eventsFile(Probes.Kind.UPROBE)));

            var e1 = assertThrows(BpfException.class, () -> prog.attachUprobe(TARGET.toString(), "no_such_function", -1));
            assertTrue(e1.getMessage().contains("no function 'no_such_function'") && e1.getMessage().contains(TARGET.toString()),
                    e1.getMessage());
            var e2 = assertThrows(BpfException.class, () -> prog.attachUprobe("/no/such/binary", "main", -1));
            assertTrue(e2.getMessage().contains("/no/such/binary"), e2.getMessage());
            var e3 = assertThrows(BpfException.class, () -> prog.attachUprobe(TARGET.toString(), "b4j_square_plus", 0x3fffffff));
            assertTrue(e3.getMessage().contains("no process 1073741823"), e3.getMessage());
            for (ProbeMode mode : ProbeMode.values()) {
                // an offset past the end of the file: the kernel refuses it, PMU or tracefs
                var e4 = assertThrows(BpfException.class, () -> prog.attachUprobe(
                        UprobeLink.Options.atOffset(TARGET.toString(), 1 << 24).mode(mode)));
                assertTrue(e4.getMessage().contains("0x1000000"), e4.getMessage());
            }
            var e5 = assertThrows(BpfException.class, () -> prog.attachUprobe(
                    UprobeLink.Options.of(TARGET.toString(), "b4j_square_plus").offset(4).retprobe(true)));
            assertTrue(e5.getMessage().contains("return probes take no offset"), e5.getMessage());
            var e6 = assertThrows(BpfException.class, () -> obj.program("on_square_entry").attach());
            assertTrue(e6.getMessage().contains("names no binary and function"), e6.getMessage());

            before.assertNothingLeftBehind("failed uprobe attaches", NAMES);
            assertEquals(eventsBefore, Set.copyOf(Files.readAllLines(Probes.eventsFile(Probes.Kind.UPROBE))),
                    "no uprobe_events entry left behind");
            assertTrue(prog.links().isEmpty());
        }
    }
}
