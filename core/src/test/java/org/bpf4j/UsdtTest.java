package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.UsdtNote;
import org.bpf4j.link.UsdtLink;
import org.bpf4j.sys.Os;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * usdt.o (built with libbpf's usdt.bpf.h) on USDT probes: the running JVM's own
 * hotspot:gc__begin, and a C program with a semaphore-guarded probe whose arguments of several
 * sizes the program reads back exactly. Bad input: a probe the binary lacks, a pid that is gone.
 */
class UsdtTest {
    @TempDir
    Path dir;

    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    static Path libjvm() {
        return Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
    }

    static ObjectSpec usdt() {
        return ObjectSpec.read(KernelTests.fixture("usdt.o"));
    }

    @Test
    void theJvmsOwnGcBegin() {
        try (BpfObject obj = usdt().load(LoadOptions.defaults().withPrograms(Set.of("on_gc_begin")))) {
            try (UsdtLink link = obj.program("on_gc_begin").attachUsdt(Os.getpid(), libjvm().toString(), "hotspot",
                    "gc__begin")) {
                assertFalse(link.uprobes().isEmpty());
                for (int i = 0; i < 50; i++) System.gc();
            }
            long n = obj.bss().getLong("gc_begins");
            assertTrue(n >= 50 && n < 60, "50 System.gc() calls: " + n + " gc__begin");
        }
    }

    /** Compiles usdt_target.c with cc and {@code <sys/sdt.h>} into the test's directory. */
    private Path target() {
        KernelTests.require(Files.exists(Path.of("/usr/include/x86_64-linux-gnu/sys/sdt.h"))
                || Files.exists(Path.of("/usr/include/sys/sdt.h")), "<sys/sdt.h> is missing (apt-get install systemtap-sdt-dev)");
        Path src = KernelTests.fixture("../../usdt/usdt_target.c").normalize();
        Path exe = dir.resolve("usdt_target");
        Cmd.check("cc", "-O2", "-o", exe.toString(), src.toString());
        return exe;
    }

    @Test
    void semaphoreAndArgumentsOfACProgram() throws Exception {
        Path exe = target();
        int n = 100;
        Process p = new ProcessBuilder(exe.toString(), String.valueOf(n), "-5", "65000", "0x123456789abcdef")
                .redirectErrorStream(true).start();
        try (BpfObject obj = usdt().load(LoadOptions.defaults().withPrograms(Set.of("on_args")));
             BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            assertEquals("ready", out.readLine());
            try (UsdtLink link = obj.program("on_args").attachUsdt((int) p.pid(), exe.toString(), "bpf4j", "args",
                    0xc00c1eL)) {
                assertEquals(1, link.uprobes().size());
                in.write("go\n");
                in.flush();
                assertEquals("enabled " + n, out.readLine(), "the kernel set the semaphore while attached");
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
            GlobalData bss = obj.bss();
            assertEquals(n, bss.getLong("calls"));
            assertEquals(6, bss.getLong("arg_cnt"));
            assertEquals(0xc00c1eL, bss.getLong("cookie"), "bpf_usdt_cookie()");
            assertEquals(-5, bss.getLong("c"), "-1@ register: a signed byte");
            assertEquals(65000, bss.getLong("us"), "2@ register: an unsigned short");
            assertEquals(-100000 - (n - 1), bss.getLong("i32"), "-4@ register of the last call");
            assertEquals(0x123456789abcdefL, bss.getLong("i64"), "-8@ register");
            assertEquals((long) n * (n - 1) / 2, bss.getLong("index_sum"), "the loop index of every call");
            assertEquals(n - 1, bss.getLong("last_index"));
            assertEquals(42, bss.getLong("constant"), "-4@$42");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void autoAttachFromTheSectionName() {
        long sites = 0;
        for (UsdtNote note : UsdtNote.all(ElfFile.read(libjvm()))) {
            if (note.provider().equals("hotspot") && note.name().equals("gc__end")) sites++;
        }
        KernelTests.require(libjvm().toString().equals("/usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so"),
                "the fixture's section names the JDK at /usr/lib/jvm/temurin-25-jdk-amd64");
        try (BpfObject obj = usdt().load(LoadOptions.defaults().withPrograms(Set.of("on_auto")))) {
            List<BpfLink> links = obj.attachAll();
            assertEquals(1, links.size());
            UsdtLink link = (UsdtLink) links.get(0);
            assertEquals(sites, link.uprobes().size(), "one uprobe per gc__end site");
            System.gc();
            link.close();
            assertTrue(obj.bss().getLong("auto_calls") >= 1, "every process: at least this one's System.gc()");
        }
    }

    private static void refusedCleanly(BpfObject obj, String program, String message, Runnable attach) {
        List<String> names = new ArrayList<>(obj.programs().keySet());
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        BpfException e = assertThrows(BpfException.class, attach::run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(1, e.getMessage().strip().split("\n").length, e.getMessage());
        assertTrue(obj.program(program).links().isEmpty());
        before.assertNothingLeftBehind("a refused USDT attach", names);
    }

    @Test
    void aProbeTheBinaryLacksIsNamed() {
        try (BpfObject obj = usdt().load(LoadOptions.defaults().withPrograms(Set.of("on_gc_begin")))) {
            refusedCleanly(obj, "on_gc_begin", libjvm() + " has no USDT probe hotspot:bpf4j_nope",
                    () -> obj.program("on_gc_begin").attachUsdt(-1, libjvm().toString(), "hotspot", "bpf4j_nope"));
        }
    }

    @Test
    void aPidThatIsGoneIsNamed() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int gone = (int) p.pid();
        try (BpfObject obj = usdt().load(LoadOptions.defaults().withPrograms(Set.of("on_gc_begin")))) {
            refusedCleanly(obj, "on_gc_begin", "no process " + gone,
                    () -> obj.program("on_gc_begin").attachUsdt(gone, libjvm().toString(), "hotspot", "gc__begin"));
        }
    }
}
