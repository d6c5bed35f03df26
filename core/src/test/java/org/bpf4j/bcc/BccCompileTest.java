package org.bpf4j.bcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.MapSpec;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.BtfValues;
import org.bpf4j.testing.BccTests;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BCC-dialect sources compiled by clang against vmlinux.h from this kernel's BTF; no root needed
 * (the tracepoint format comes from a fixture). Without clang they skip, and fail in CI.
 */
class BccCompileTest {
    /** vmlinux.h is generated once for the module's tests. */
    static final Path CACHE = Path.of(System.getProperty("user.dir"), "target", "bcc-cache");

    @TempDir
    Path dir;

    @BeforeAll
    static void toolchain() {
        KernelTests.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "no readable /sys/kernel/btf/vmlinux");
        BccTests.requireToolchain();
    }

    static Bcc.Options options() {
        return Bcc.Options.defaults().cacheDir(CACHE)
                .tracepointFormat((cat, ev) -> TracepointFormatTest.OPENAT.replace("sys_enter_openat", ev));
    }

    @Test
    void mapMacrosHaveBccDefaults() {
        String src = """
                struct key_t { u32 pid; char comm[16]; };
                struct data { u64 ts; };
                BPF_HASH(counts, u32, u64);
                BPF_HASH(dflt);
                BPF_HASH(by_key, struct key_t, u64, 128);
                BPF_LRU_HASH(lru, u32);
                BPF_PERCPU_HASH(pch, u32, u32, 64);
                BPF_ARRAY(values, struct data, 10);
                BPF_ARRAY(arr);
                BPF_PERCPU_ARRAY(pca, u64, 4);
                BPF_HISTOGRAM(hist);
                BPF_HISTOGRAM(hist_by_key, struct key_t);
                BPF_PERF_OUTPUT(events);
                BPF_RINGBUF(rb, 1 << 20);  // 1MB
                BPF_RINGBUF_OUTPUT(rb_pages, 8);
                BPF_STACK_TRACE(stacks, 1024);

                TRACEPOINT_PROBE(syscalls, sys_enter_openat) {
                    u32 k = args->flags;
                    struct key_t key = {.pid = k};
                    u64 zero = 0, *v = counts.lookup_or_try_init(&k, &zero);
                    if (v) (*v)++;
                    by_key.increment(key);
                    hist.atomic_increment(3, 2);
                    lru.update(&k, &zero);
                    int id = stacks.get_stackid(args, 0);
                    struct data *d = values.lookup(&id);
                    if (d) d->ts = bpf_ktime_get_ns();
                    events.perf_submit(args, &k, sizeof(k));
                    rb.ringbuf_output(&k, sizeof(k), 0);
                    u32 *r = rb_pages.ringbuf_reserve(sizeof(u32));
                    if (r) { *r = k; rb_pages.ringbuf_submit(r, 0); }
                    return 0;
                }
                """;
        ObjectSpec spec = Bcc.compile(src, "maps.c", options());
        check(spec.map("counts"), MapType.HASH, 4, 8, 10240);
        check(spec.map("dflt"), MapType.HASH, 8, 8, 10240);
        check(spec.map("by_key"), MapType.HASH, 20, 8, 128);
        check(spec.map("lru"), MapType.LRU_HASH, 4, 8, 10240);
        check(spec.map("pch"), MapType.PERCPU_HASH, 4, 4, 64);
        check(spec.map("values"), MapType.ARRAY, 4, 8, 10);
        check(spec.map("arr"), MapType.ARRAY, 4, 8, 10240);
        check(spec.map("pca"), MapType.PERCPU_ARRAY, 4, 8, 4);
        check(spec.map("hist"), MapType.ARRAY, 4, 8, 64);
        check(spec.map("hist_by_key"), MapType.HASH, 20, 8, 64);
        check(spec.map("events"), MapType.PERF_EVENT_ARRAY, 4, 4, 0);
        check(spec.map("rb"), MapType.RINGBUF, 0, 0, 1 << 20);
        check(spec.map("rb_pages"), MapType.RINGBUF, 0, 0, 8 * 4096);
        check(spec.map("stacks"), MapType.STACK_TRACE, 4, 127 * 8, 1024);
        assertEquals("tracepoint/syscalls/sys_enter_openat",
                spec.program("tracepoint__syscalls__sys_enter_openat").section());
        assertEquals("GPL", spec.license());
        // the struct key, typed from the object's BTF as items() shows it
        MemorySegment key = Arena.ofAuto().allocate(20);
        key.set(ValueLayout.JAVA_INT, 0, -2);
        key.setString(4, "bash");
        Object k = BtfValues.decode(spec.btf(), spec.map("by_key").btfKeyTypeId(), key, 0);
        assertEquals("{pid=4294967294, comm=\"bash\"}", BtfValues.format(k));
        assertEquals("{\"pid\": 4294967294, \"comm\": \"bash\"}", BtfValues.json(k));
    }

    static void check(MapSpec m, MapType type, int key, int value, int max) {
        assertEquals(List.of(type, key, value, max), List.of(m.type(), m.keySize(), m.valueSize(), m.maxEntries()), m.name());
    }

    @Test
    void syntaxErrorNamesTheUsersFileAndLine() throws Exception {
        Path file = dir.resolve("broken.c");
        Files.writeString(file, """
                BPF_HASH(counts, u32, u64);

                int kprobe__do_nanosleep(struct pt_regs *ctx) {
                    u32 key = 0
                    return counts.lookup(&key) != 0;
                }
                """);
        BpfException e = assertThrows(BpfException.class, () -> Bcc.compile(file, options()));
        assertTrue(e.getMessage().startsWith(file + ":4:16: error: expected ';' at end of declaration"), e.getMessage());
    }

    @Test
    void objectFileWrittenForAMachineWithoutClang() throws Exception {
        Path file = dir.resolve("probe.c");
        Files.writeString(file, "BPF_HASH(seen, u32, u64);\n"
                + "int kprobe__do_nanosleep(struct pt_regs *ctx) { u32 k = 0; seen.increment(k); return 0; }\n");
        Path obj = dir.resolve("out/probe.bpf.o");
        ObjectSpec spec = Bcc.compile(file, options(), obj);
        ObjectSpec read = ObjectSpec.read(obj);
        assertEquals("kprobe/do_nanosleep", read.program("kprobe__do_nanosleep").section());
        assertEquals(spec.program("kprobe__do_nanosleep").section(), read.program("kprobe__do_nanosleep").section());
        check(read.map("seen"), MapType.HASH, 4, 8, 10240);

        // a compile error writes nothing; an object path that cannot be written is named
        Path broken = dir.resolve("broken.c"), none = dir.resolve("none.bpf.o");
        Files.writeString(broken, "int x = ;\n");
        assertThrows(BpfException.class, () -> Bcc.compile(broken, options(), none));
        assertTrue(Files.notExists(none), "object written for a source that does not compile");
        Path under = dir.resolve("probe.c/probe.bpf.o");
        BpfException e = assertThrows(BpfException.class, () -> Bcc.compile(file, options(), under));
        assertTrue(e.getMessage().startsWith("cannot write " + under + ": "), e.getMessage());
    }

    @Test
    void vmlinuxHeaderIsCachedByBtfChecksum() throws Exception {
        Bcc.Options o = options().cacheDir(dir.resolve("cache"));
        Bcc.compile("BPF_ARRAY(a);\n", "a.c", o);
        Path inc = Bcc.includeDir(o);
        assertTrue(inc.getFileName().toString().matches("btf-[0-9a-f]+-[0-9a-f]{8}"), inc.toString());
        Path vmlinux = inc.resolve("vmlinux.h");
        assertTrue(Files.readString(vmlinux).contains("struct task_struct {"));
        Files.setLastModifiedTime(vmlinux, FileTime.fromMillis(0));
        Bcc.compile("BPF_ARRAY(a);\n", "a.c", o);
        assertEquals(0, Files.getLastModifiedTime(vmlinux).toMillis(), "regenerated although the BTF is the same");
    }

    @Test
    void missingClangIsOneLineNamingThePackages() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("bin"));
        BpfException e = assertThrows(BpfException.class, () -> Clang.find(List.of(empty)));
        assertEquals("no clang found to compile BPF C at run time (searched " + empty + "): install clang 15 or newer and "
                + "libbpf's headers (Debian/Ubuntu: apt-get install clang-19 libbpf-dev; Fedora: dnf install clang "
                + "libbpf-devel), or set BPF4J_CLANG to a clang executable", e.getMessage());
        BpfException e2 = assertThrows(BpfException.class,
                () -> Bcc.compile("BPF_ARRAY(a);\n", "a.c", options().clang(empty.resolve("clang"))));
        assertTrue(e2.getMessage().startsWith("cannot run " + empty.resolve("clang")), e2.getMessage());
        assertTrue(e2.getMessage().contains("apt-get install clang-19 libbpf-dev"), e2.getMessage());
    }
}
