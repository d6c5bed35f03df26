package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kprobes, kretprobes and ksyscall. This host's kernel has none (built without CONFIG_KPROBES):
 * here the tests check that every way to ask for one fails early, naming that, and leaves
 * nothing behind. The counting tests run in the kernel-matrix VM ({@code @Tag("vm")}).
 */
class KprobeTest {
    static final List<String> NAMES = List.of("on_nanosleep", "on_nanosleep_ret", "on_getppid_sysc", "attach.bss",
            "attach.rodata", "args", "rets", "samples");
    static final Set<String> PROGRAMS = Set.of("on_nanosleep", "on_nanosleep_return", "on_getppid_syscall");

    static BpfObject load() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("attach.o"));
        spec.rodata().set("target_tid", Os.gettid());
        return spec.load(LoadOptions.defaults().withPrograms(PROGRAMS));
    }

    @Test
    void syscallFunctionNamesTheArchitectureWrapper() {
        KernelTests.requireKernel();
        String f = KprobeLink.syscallFunction("getppid");
        assertEquals(SysNr.X86_64 ? "__x64_sys_getppid" : "__arm64_sys_getppid", f);
        assertTrue(KprobeLink.kallsymsHas(f), "the kernel has " + f);
    }

    @Test
    void withoutKprobesEveryKprobeAttachFailsNamingTheMissingOption() {
        KernelTests.requireKernel();
        Assumptions.assumeFalse(KprobeLink.supported(), "this kernel has kprobes: KprobeTest's VM tests count them");
        try (BpfObject obj = load()) {
            var before = KernelTests.Snapshot.take();
            var prog = obj.program("on_nanosleep");
            List<org.junit.jupiter.api.function.Executable> attempts = List.of(
                    () -> prog.attachKprobe("do_nanosleep"),
                    () -> prog.attachKretprobe("do_nanosleep"),
                    () -> prog.attachKprobe(KprobeLink.Options.of("do_nanosleep").retprobe(true).maxActive(16)),
                    () -> prog.attachKprobe(KprobeLink.Options.of("do_nanosleep").mode(ProbeMode.TRACEFS)),
                    () -> prog.attachKprobe(KprobeLink.Options.of("do_nanosleep").mode(ProbeMode.PMU)),
                    () -> prog.attach(),
                    () -> obj.program("on_nanosleep_return").attach(),
                    () -> obj.program("on_getppid_syscall").attach(),
                    () -> obj.program("on_getppid_syscall").attachKretsyscall("getppid"));
            for (var a : attempts) {
                var e = assertThrows(FeatureNotSupportedException.class, a);
                assertTrue(e.getMessage().startsWith("kprobes are not supported by this kernel: "), e.getMessage());
                assertTrue(e.getMessage().contains("CONFIG_KPROBES"), e.getMessage());
                assertTrue(e.getMessage().contains("no /sys/bus/event_source/devices/kprobe and no kprobe_events in tracefs"),
                        e.getMessage());
                assertEquals("kprobes", e.feature());
            }
            assertFalse(Features.attach(Features.Attach.KPROBE).supported());
            var e = assertThrows(FeatureNotSupportedException.class, () -> Features.require(Features.Attach.KPROBE));
            assertTrue(e.getMessage().contains("CONFIG_KPROBES"), e.getMessage());
            before.assertNothingLeftBehind("failed kprobe attaches", NAMES);
            assertTrue(prog.links().isEmpty());
        }
    }

    // ---------------------------------------------------------------- kernel-matrix VM only

    /** {@code n} nanosleep(0 s, 1 ns) system calls from this thread: each calls do_nanosleep once. */
    static void nanosleep(int n) {
        long nr = SysNr.X86_64 ? 35 : 101;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            ts.set(ValueLayout.JAVA_LONG, 8, 1);
            for (int i = 0; i < n; i++) {
                long r = Native.call(nr, ts.address(), 0);
                if (r < 0) throw new AssertionError("nanosleep: " + r);
            }
        }
    }

    static void getppid(int n) {
        for (int i = 0; i < n; i++) Native.call(SysNr.GETPPID, 0);
    }

    @Tag("vm")
    @Test
    void kprobeAndKretprobeCountTheCallsOfThisThread() {
        VmTests.requireVm();
        try (BpfObject obj = load()) {
            try (KprobeLink in = (KprobeLink) obj.program("on_nanosleep").attach();
                 KprobeLink out = obj.program("on_nanosleep_return").attachKretprobe("do_nanosleep")) {
                assertNull(in.tracefsEvent(), "the kprobe PMU exists on every kernel of the matrix (4.17+)");
                assertEquals("kprobe do_nanosleep", in.target());
                nanosleep(200);
            }
            nanosleep(10);
            assertEquals(200, obj.bss().getLong("kprobe_calls"));
            assertEquals(200, obj.bss().getLong("kretprobe_calls"));
        }
    }

    @Tag("vm")
    @Test
    void ksyscallFromTheSectionName() {
        VmTests.requireVm();
        try (BpfObject obj = load()) {
            try (BpfLink link = obj.program("on_getppid_syscall").attach()) {
                assertTrue(link.target().contains(KprobeLink.syscallFunction("getppid")), link.target());
                getppid(333);
            }
            getppid(3);
            assertEquals(333, obj.bss().getLong("ksyscall_calls"));
        }
    }

    @Tag("vm")
    @Test
    void tracefsKprobeWithMaxactiveIsCreatedAndRemoved() {
        VmTests.requireVm();
        try (BpfObject obj = load()) {
            KprobeLink link = obj.program("on_nanosleep_return")
                    .attachKprobe(KprobeLink.Options.of("do_nanosleep").retprobe(true).maxActive(32));
            String event = link.tracefsEvent();
            assertNotNull(event, "maxactive goes through tracefs");
            String[] ge = event.split("/");
            assertEquals("kretprobes", ge[0]);
            assertTrue(Probes.exists(Probes.Kind.KPROBE, ge[0], ge[1]));
            nanosleep(50);
            link.close();
            assertFalse(Probes.exists(Probes.Kind.KPROBE, ge[0], ge[1]), "removed from kprobe_events on close");
            assertEquals(50, obj.bss().getLong("kretprobe_calls"));
        }
    }

    @Tag("vm")
    @Test
    void unknownFunctionFailsCleanly() {
        VmTests.requireVm();
        try (BpfObject obj = load()) {
            var before = KernelTests.Snapshot.take();
            for (ProbeMode mode : ProbeMode.values()) {
                var e = assertThrows(BpfException.class, () -> obj.program("on_nanosleep")
                        .attachKprobe(KprobeLink.Options.of("b4j_no_such_function").mode(mode)));
                assertTrue(e.getMessage().contains("b4j_no_such_function"), e.getMessage());
            }
            before.assertNothingLeftBehind("failed kprobe attaches", NAMES);
        }
    }
}
