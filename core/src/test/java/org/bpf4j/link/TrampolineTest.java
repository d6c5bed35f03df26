package org.bpf4j.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Programs attached by BTF id: fentry, fexit, fmod_ret and lsm run from BPF trampolines, which this
 * host's kernel refuses (BPF_PROG_LOAD: EPERM although privileged); tp_btf needs none. Here the
 * refusals must say so plainly and leave nothing behind; the VM counts real calls.
 */
class TrampolineTest {
    static final List<String> NAMES = List.of("fentry_nanosleep", "fexit_nanosleep", "fmod_ret_file_o", "lsm_file_open",
            "tp_btf_sys_enter", "attach_tramp.bss", "attach_tramp.rodata", "attach_tr.bss", "attach_tr.rodata");
    static final Map<String, String> KIND = Map.of("fentry_nanosleep", "fentry", "fexit_nanosleep", "fexit",
            "fmod_ret_file_open", "fmod_ret", "lsm_file_open", "lsm");

    static ObjectSpec spec() {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("attach_tramp.o"));
        spec.rodata().set("target_tid", Os.gettid());
        return spec;
    }

    @Test
    void refusedTrampolinesSayWhyAndLeaveNothingBehind() {
        KernelTests.requireKernel();
        Assumptions.assumeFalse(Features.attach(Features.Attach.FENTRY).supported(),
                "this kernel runs fentry programs: the VM tests count them");
        var before = KernelTests.Snapshot.take();
        for (var e : KIND.entrySet()) {
            var ex = assertThrows(FeatureNotSupportedException.class,
                    () -> spec().load(LoadOptions.defaults().withPrograms(Set.of(e.getKey()))).close());
            String m = ex.getMessage();
            assertTrue(m.startsWith(e.getValue() + " programs are refused by this kernel (program '" + e.getKey() + "'"), m);
            assertTrue(m.contains("BPF_PROG_LOAD answers EPERM although this process has CAP_BPF and CAP_PERFMON"), m);
            assertTrue(m.contains("BPF trampolines that patch the entry of kernel functions"), m);
            assertEquals(e.getValue(), ex.feature());
        }
        before.assertNothingLeftBehind("refused trampoline programs", NAMES);
    }

    @Test
    void tpBtfNeedsNoTrampoline() {
        KernelTests.requireKernel();
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("tp_btf_sys_enter")))) {
            try (BpfLink link = obj.program("tp_btf_sys_enter").attach()) {
                for (int i = 0; i < 100; i++) Native.call(SysNr.GETPPID, 0);
            }
            long n = obj.bss().getLong("tp_btf_calls");
            assertTrue(n >= 100 && n < 200, "this thread's system calls while attached: " + n);
        }
    }

    @Test
    void kernelBtfObjectsByName() {
        KernelTests.requireKernel();
        var before = KernelTests.Snapshot.take();
        try (Fd vmlinux = Bpf.kernelBtf("vmlinux")) {
            assertNotNull(vmlinux, "the kernel's own BTF object is named vmlinux");
        }
        assertNull(Bpf.kernelBtf("b4j_no_such_module"));
        before.assertNothingLeftBehind("BTF object lookups", List.of());
    }

    @Test
    void moduleTargetsNameTheModule() {
        KernelTests.requireKernel();
        ObjectSpec spec = spec();
        spec.program("fentry_nanosleep").attachTarget("b4j_no_such_module:do_nanosleep");
        var e = assertThrows(BpfException.class, () -> spec.load(LoadOptions.defaults().withPrograms(Set.of("fentry_nanosleep"))));
        assertTrue(e.getMessage().contains("b4j_no_such_module") && e.getMessage().contains("is not loaded"), e.getMessage());
        ObjectSpec spec2 = spec();
        spec2.program("fentry_nanosleep").attachTarget("b4j_no_such_function");
        var e2 = assertThrows(BpfException.class, () -> spec2.load(LoadOptions.defaults().withPrograms(Set.of("fentry_nanosleep"))));
        assertTrue(e2.getMessage().contains("no FUNC 'b4j_no_such_function' in the kernel BTF"), e2.getMessage());
    }

    // ---------------------------------------------------------------- kernel-matrix VM only

    static void nanosleep(int n) {
        KprobeTest.nanosleep(n);
    }

    @Tag("vm")
    @Test
    void fentryAndFexitCountTheCallsOfThisThread() {
        VmTests.requireVm();
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("fentry_nanosleep", "fexit_nanosleep")))) {
            try (BpfLink in = obj.program("fentry_nanosleep").attach(); BpfLink out = obj.program("fexit_nanosleep").attach()) {
                nanosleep(150);
            }
            nanosleep(5);
            assertEquals(150, obj.bss().getLong("fentry_calls"));
            assertEquals(150, obj.bss().getLong("fexit_calls"));
        }
    }

    @Tag("vm")
    @Test
    void lsmFileOpenCountsTheOpensOfThisThread() throws Exception {
        VmTests.requireVm();
        Assumptions.assumeTrue(Features.attach(Features.Attach.LSM).supported(),
                "BPF LSM programs need 'bpf' among the kernel's active LSMs (lsm= boot parameter): "
                        + Features.attach(Features.Attach.LSM).detail());
        Path f = Files.createTempFile("bpf4j-lsm", ".txt");
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("lsm_file_open")))) {
            try (BpfLink link = obj.program("lsm_file_open").attach()) {
                for (int i = 0; i < 40; i++) Files.newInputStream(f).close();
            }
            assertEquals(40, obj.bss().getLong("lsm_calls"));
        } finally {
            Files.delete(f);
        }
    }

    @Tag("vm")
    @Test
    void fmodRetOnASecurityHookCountsTheOpensOfThisThread() throws Exception {
        VmTests.requireVm();
        Path f = Files.createTempFile("bpf4j-fmod-ret", ".txt");
        try (BpfObject obj = spec().load(LoadOptions.defaults().withPrograms(Set.of("fmod_ret_file_open")))) {
            try (BpfLink link = obj.program("fmod_ret_file_open").attach()) {
                for (int i = 0; i < 30; i++) Files.newInputStream(f).close();
            }
            assertEquals(30, obj.bss().getLong("fmod_ret_calls"), "returning 0 let every open through");
        } finally {
            Files.delete(f);
        }
    }

    /** fentry on a function of a loaded kernel module, found in /sys/kernel/btf/MODULE. */
    @Tag("vm")
    @Test
    void fentryOnAModuleFunction() {
        VmTests.requireVm();
        for (String module : Btf.kernelModuleNames()) {
            Btf btf = Btf.kernelModule(module);
            for (int id = btf.firstId(); id < btf.firstId() + btf.typeCount(); id++) {
                if (btf.kind(id) != BtfKind.FUNC) continue;
                String func = btf.name(id);
                ObjectSpec spec = spec();
                spec.program("fentry_nanosleep").attachTarget(module + ":" + func);
                try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("fentry_nanosleep")))) {
                    try (BpfLink link = obj.program("fentry_nanosleep").attach()) {
                        assertTrue(link.isOpen());
                        return;
                    }
                } catch (BpfException e) {
                    // some module functions cannot be traced (notrace, inlined); try the next
                }
            }
        }
        Assumptions.abort("no loaded kernel module has a function fentry can attach to (none in /sys/kernel/btf/*)");
    }
}
