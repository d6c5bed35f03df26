package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfObject;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/**
 * kprobe_multi and uprobe_multi links ({@link MultiProbeLink}) on the real kernel, each counting an
 * exact workload of this thread (multi_probe.bpf.c). uprobe_multi runs here; kprobe_multi needs
 * fprobe, which this host's kernel (no kprobes) and Debian's 6.1 (no CONFIG_FPROBE) lack. Not yet
 * counted on 6.12: there __x64_sys_getppid is not in available_filter_functions (the first matrix
 * run said so); a traceable target is still to be chosen.
 */
class MultiProbeLinkTest {
    static final List<String> NAMES = List.of("on_multi", "on_multi_ret", "on_umulti", "multi_probe.bss", "multi_pr.rodata");

    static BpfObject load() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("multi_probe.o"));
        spec.rodata().set("target_tid", Os.gettid());
        return spec.load();
    }

    private static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** Calls libc's getppid() (the function) {@code n} times from this thread. */
    static void libcGetppid(int n) {
        try {
            for (int i = 0; i < n; i++) {
                if ((int) GETPPID.invokeExact() <= 0) throw new AssertionError("getppid failed");
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void uprobeMultiOnTwoLibcFunctionsCountsBoth() {
        KernelTests.requireKernel();
        try (BpfObject obj = load()) {
            try (BpfLink link = MultiProbeLink.uprobes(obj.program("on_umulti").fd(), "libc.so.6",
                    List.of("getpid", "getppid"), (int) ProcessHandle.current().pid())) {
                assertTrue(link.target().startsWith("uprobe.multi /"), link.target());
                assertTrue(link.target().endsWith("libc.so.6:getpid,getppid"), link.target());
                UprobeTest.libcGetpid(123);
                libcGetppid(77);
            }
            UprobeTest.libcGetpid(5);
            assertEquals(200, obj.bss().getLong("umulti_calls"));
        }
    }

    @Test
    void badTargetsFailNamingThemAndLeaveNothingBehind() {
        KernelTests.requireKernel();
        try (BpfObject obj = load()) {
            var before = KernelTests.Snapshot.take();
            int fd = obj.program("on_umulti").fd();
            var e = assertThrows(BpfException.class,
                    () -> MultiProbeLink.uprobes(fd, "libc.so.6", List.of("getpid", "b4j_no_such_function"), -1));
            assertTrue(e.getMessage().contains("b4j_no_such_function"), e.getMessage());
            if (!KprobeLink.supported()) {
                var k = assertThrows(FeatureNotSupportedException.class,
                        () -> MultiProbeLink.kprobes(obj.program("on_multi").fd(), "__x64_sys_getppid"));
                assertEquals("kprobe_multi links", k.feature());
                assertTrue(k.getMessage().contains("kprobe.multi __x64_sys_getppid needs Linux 5.18 built with CONFIG_FPROBE"),
                        k.getMessage());
            }
            before.assertNothingLeftBehind("failed multi-probe attaches", NAMES);
        }
    }
}
