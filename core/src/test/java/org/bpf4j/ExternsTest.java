package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.features.KernelConfig;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * externs.o on the running kernel: __kconfig values of every type from a given configuration and
 * from the running kernel's, typeless, typed per-CPU and weak ksyms, kfuncs; exact values read
 * back from .bss after BPF_PROG_TEST_RUN. Bad input: one message naming the extern, nothing left.
 */
class ExternsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static ObjectSpec externs() {
        return ObjectSpec.read(KernelTests.fixture("externs.o"));
    }

    private Path config(String... lines) throws IOException {
        Path p = dir.resolve("config");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    private static void run(BpfObject obj, String program, MemorySegment ctx) {
        assertEquals(0, obj.program(program).testRun(ctx, null, 0).retval());
    }

    /** LINUX_KERNEL_VERSION as libbpf computes it: "Debian x.y.z" of the version string, else the release. */
    static long expectedKernelVersion() throws IOException {
        String version = Files.readString(Path.of("/proc/sys/kernel/version"));
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease"));
        String from = version.contains("Debian ") ? version.substring(version.indexOf("Debian ") + 7) : release;
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(from);
        assertTrue(m.find(), from);
        return (Long.parseLong(m.group(1)) << 16) + (Long.parseLong(m.group(2)) << 8)
                + Math.min(255, Long.parseLong(m.group(3)));
    }

    @Test
    void kconfigOfEveryTypeFromAGivenFile() throws IOException {
        Path cfg = config("CONFIG_HZ=300", "CONFIG_BPF4J_BOOL=y", "CONFIG_BPF4J_TRI=m", "CONFIG_BPF4J_CHAR=m",
                "CONFIG_BPF4J_U8=200", "CONFIG_BPF4J_S16=-1234", "CONFIG_BPF4J_U16=0xbeef", "CONFIG_BPF4J_S32=-100000",
                "CONFIG_BPF4J_U32=4000000000", "CONFIG_BPF4J_S64=-5000000000", "CONFIG_BPF4J_U64=0xfedcba9876543210",
                "CONFIG_BPF4J_STR=\"hello\"", "# CONFIG_BPF4J_UNSET is not set");
        ObjectSpec spec = externs();
        assertThrows(IllegalStateException.class, () -> spec.globals(".kconfig").set("CONFIG_HZ", 1),
                "the load fills .kconfig from the configuration");
        try (BpfObject obj = spec.load(LoadOptions.defaults().withKernelConfig(cfg).withPrograms(Set.of("read_kconfig")))) {
            run(obj, "read_kconfig", null);
            GlobalData bss = obj.bss();
            assertEquals(expectedKernelVersion(), bss.getUnsigned("kernel_version"));
            assertEquals(1, bss.getLong("has_cookie"), "bpf_get_attach_cookie exists on 5.15+");
            assertEquals(1, bss.getLong("has_wrapper"), "x86_64 and arm64 kernels wrap system calls");
            assertEquals(0, bss.getLong("unknown"), "a weak LINUX_ extern libbpf does not know reads 0");
            assertEquals(300, bss.getLong("hz"));
            assertEquals(1, bss.getLong("b"));
            assertEquals(2, bss.getLong("tri"), "m is TRI_MODULE");
            assertEquals('m', bss.getLong("c"));
            assertEquals(200, bss.getUnsigned("u8v"));
            assertEquals(-1234, bss.getLong("s16"));
            assertEquals(0xbeef, bss.getUnsigned("u16v"));
            assertEquals(-100000, bss.getLong("s32v"));
            assertEquals(4000000000L, bss.getUnsigned("u32v"));
            assertEquals(-5000000000L, bss.getLong("s64"));
            assertEquals(0xfedcba9876543210L, bss.getLong("u64v"));
            byte[] str = bss.getBytes("str");
            assertEquals("hello", new String(str, 0, 5, StandardCharsets.US_ASCII));
            assertEquals(0, str[5]);
            assertEquals(0, bss.getLong("unset"), "'is not set' assigns nothing: a weak extern reads 0");
            assertEquals(0, bss.getLong("absent"));
            // the .kconfig map itself, read-only and memory-mapped as libbpf makes it
            GlobalData kconfig = obj.globals(".kconfig");
            assertEquals(300, kconfig.getLong("CONFIG_HZ"));
            assertEquals(-1234, kconfig.getLong("CONFIG_BPF4J_S16"));
            assertThrows(IllegalStateException.class, () -> kconfig.set("CONFIG_HZ", 1), "frozen");
        }
    }

    @Test
    void kconfigOfTheRunningKernel() {
        KernelConfig running = KernelConfig.running().orElse(null);
        KernelTests.require(running != null && running.assigned("CONFIG_HZ") != null,
                "the kernel's configuration (/proc/config.gz or /boot/config-$(uname -r)) is not readable");
        try (BpfObject obj = externs().load(LoadOptions.defaults().withPrograms(Set.of("read_kconfig")))) {
            run(obj, "read_kconfig", null);
            assertEquals(Long.parseLong(running.assigned("CONFIG_HZ")), obj.bss().getLong("hz"));
            assertEquals(0, obj.bss().getLong("b"), "CONFIG_BPF4J_BOOL is no kernel's option");
        }
    }

    /** The address /proc/kallsyms gives {@code name}. */
    static long kallsyms(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"))) {
            String[] f = line.split("\\s+");
            if (f.length >= 3 && f[2].equals(name)) return Long.parseUnsignedLong(f[0], 16);
        }
        throw new AssertionError(name + " not in /proc/kallsyms");
    }

    @Test
    void ksymsAndKfuncs() throws IOException {
        try (BpfObject obj = externs().load(LoadOptions.defaults().withPrograms(Set.of("use_ksyms")));
             Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(4, 4);
            args.set(ValueLayout.JAVA_INT, 0, Os.getpid());
            run(obj, "use_ksyms", args);
            GlobalData bss = obj.bss();
            assertEquals(kallsyms("_stext"), bss.getLong("stext"), "typeless ksym");
            assertEquals(kallsyms("__start_BTF"), bss.getLong("start_btf"));
            assertEquals(0, bss.getLong("missing_addr"), "weak typeless ksym the kernel lacks");
            assertEquals(0, bss.getLong("missing_var"), "bpf_ksym_exists() of a weak typed ksym the kernel lacks");
            assertEquals(0, bss.getLong("missing_kfunc"), "bpf_ksym_exists() of a weak kfunc the kernel lacks");
            assertEquals(Os.getpid(), bss.getLong("tgid"), "bpf_task_from_pid(pid)->tgid, then bpf_task_release");
            assertEquals(1, bss.getLong("rcu"));
        }
    }

    /** Typed per-CPU ksyms: the verifier needs CONFIG_KALLSYMS_ALL, which this host's kernel lacks. */
    @Test
    @Tag("vm")
    void typedPerCpuKsyms() {
        VmTests.requireVm();
        int cpu1 = Cpus.possible() > 1 ? 1 : 0;
        try (BpfObject obj = ObjectSpec.read(KernelTests.fixture("ksym_percpu.o")).load();
             Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(4, 4);
            args.set(ValueLayout.JAVA_INT, 0, cpu1);
            run(obj, "use_percpu", args);
            GlobalData bss = obj.bss();
            assertEquals(0, bss.getLong("rq_cpu0"), "bpf_per_cpu_ptr(&runqueues, 0)->cpu");
            assertEquals(cpu1, bss.getLong("rq_cpu1"));
            assertEquals(bss.getLong("this_cpu"), bss.getLong("rq_this"), "bpf_this_cpu_ptr(&runqueues)->cpu");
            assertEquals(1, bss.getLong("prog_active_seen"));
        }
    }

    private static void refused(String fixture, String program, String config, String... expected) {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture(fixture));
        List<String> names = new ArrayList<>(spec.programs().keySet());
        names.addAll(spec.maps().keySet());
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        LoadOptions opt = LoadOptions.defaults().withPrograms(Set.of(program));
        if (config != null) opt = opt.withKernelConfig(Path.of(config));
        LoadOptions o = opt;
        BpfException e = assertThrows(BpfException.class, () -> spec.load(o));
        for (String s : expected) assertTrue(e.getMessage().contains(s), e.getMessage());
        assertEquals(1, e.getMessage().strip().split("\n").length, e.getMessage());
        before.assertNothingLeftBehind(fixture, names);
    }

    @Test
    void aStrongKconfigExternTheConfigurationLacksIsNamed() throws IOException {
        Path cfg = config("CONFIG_BPF4J_BOOL=y");
        refused("externs.o", "read_kconfig", cfg.toString(), "externs.o: extern (kcfg) 'CONFIG_HZ': not set in " + cfg);
    }

    @Test
    void badKconfigValueIsNamed() throws IOException {
        Path cfg = config("CONFIG_HZ=300", "CONFIG_BPF4J_S16=70000");
        refused("externs.o", "read_kconfig", cfg.toString(),
                "extern (kcfg) 'CONFIG_BPF4J_S16': value '70000' doesn't fit in 2 bytes");
    }

    @Test
    void unknownVirtualKconfigExternIsNamed() {
        refused("extern_bad_kconfig.o", "bad_kconfig", null,
                "extern (kcfg) 'LINUX_BPF4J_NOPE': unrecognized virtual extern");
    }

    @Test
    void missingKsymIsNamed() {
        refused("extern_bad_ksym.o", "bad_ksym", null, "extern (var ksym) 'bpf4j_missing_var': not found in kernel BTF");
    }

    @Test
    void missingKfuncIsNamed() {
        refused("extern_bad_kfunc.o", "bad_kfunc", null,
                "extern (func ksym) 'bpf4j_missing_kfunc': not found in kernel or module BTFs");
    }
}
