package org.bpf4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the plugin's goals do, run directly: clang, strip, skeletons, staleness, errors. */
class BpfBuildTest {
    Path dir;

    static final String PROGRAM = """
            #include <linux/types.h>
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>
            #include "common.h"

            const volatile __u32 limit = 3;

            struct {
            	__uint(type, BPF_MAP_TYPE_HASH);
            	__uint(max_entries, 16);
            	__type(key, struct key);
            	__type(value, __u64);
            } seen SEC(".maps");

            SEC("xdp")
            int count(struct xdp_md *ctx)
            {
            	struct key k = {.proto = 17};
            	__u64 one = 1;

            	bpf_map_update_elem(&seen, &k, &one, BPF_ANY);
            	return XDP_PASS;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("bpfbuild");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/counter.bpf.c"), PROGRAM);
        Files.writeString(dir.resolve("src/common.h"), "struct key { __u32 addr; __u8 proto; };\n");
        Files.writeString(dir.resolve("src/not-a-program.c"), "this is not compiled\n");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(p);
        }
    }

    BpfBuild.Settings settings(String clang, List<String> args) {
        return new BpfBuild.Settings(dir.resolve("src"), List.of(), clang, args, true, "com.example.bpf",
                dir.resolve("classes"), dir.resolve("gen"), true);
    }

    /**
     * Skips without clang or libbpf's headers (a developer machine without them: scripts/test
     * installs both); in CI (BPF4J_REQUIRE_KERNEL=1) their absence is a failure.
     */
    static void requireToolchain() {
        String missing = null;
        try {
            BpfBuild.findClang();
        } catch (BpfBuild.BuildException e) {
            missing = e.getMessage();
        }
        if (missing == null && !Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h"))) {
            missing = "no libbpf headers (/usr/include/bpf/bpf_helpers.h: apt-get install libbpf-dev)";
        }
        if (missing == null) return;
        if ("1".equals(System.getenv("BPF4J_REQUIRE_KERNEL"))) fail("BPF4J_REQUIRE_KERNEL=1 but " + missing);
        assumeTrue(false, missing + " (scripts/test installs it)");
    }

    @Test
    void compilesStripsAndWritesSkeletons() throws Exception {
        requireToolchain();
        List<String> log = new ArrayList<>();
        BpfBuild.Result r = BpfBuild.run(settings(null, List.of("-Werror")), log::add);
        Path obj = dir.resolve("classes/com/example/bpf/counter.bpf.o");
        Path java = dir.resolve("gen/com/example/bpf/CounterSkeleton.java");
        assertEquals(List.of(obj), r.objects());
        assertEquals(List.of(obj), r.compiled());
        assertEquals(List.of(java), r.skeletons());
        assertEquals(List.of("compiled counter.bpf.c -> " + obj, "skeleton " + java), log);
        // a BPF object with BTF, without DWARF
        ObjectSpec spec = ObjectSpec.read(obj);
        assertEquals("xdp", spec.program("count").section());
        assertTrue(Btf.read(obj).find("key", org.bpf4j.btf.BtfKind.STRUCT) > 0);
        String readelf = new String(new ProcessBuilder("readelf", "-S", obj.toString()).start().getInputStream().readAllBytes());
        assertTrue(readelf.contains(".BTF"), readelf);
        assertFalse(readelf.contains(".debug_info"), "DWARF stripped: " + readelf);
        String src = Files.readString(java);
        assertTrue(src.contains("package com.example.bpf;"));
        assertTrue(src.contains("public MapView<Key, Long> seen() {"), src);
        assertTrue(src.contains("public record Key(int addr, int proto) {"), src);

        // up to date: nothing compiled; the skeleton stays as it is
        FileTime t = Files.getLastModifiedTime(java);
        r = BpfBuild.run(settings(null, List.of()), s -> { });
        assertEquals(List.of(), r.compiled());
        assertEquals(t, Files.getLastModifiedTime(java));
        // a header changed: compiled again
        Files.setLastModifiedTime(dir.resolve("src/common.h"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        r = BpfBuild.run(settings(null, List.of()), s -> { });
        assertEquals(List.of(obj), r.compiled());
    }

    static final String RINGBUF_PROGRAM = """
            #include <linux/types.h>
            #include <linux/bpf.h>
            #include <bpf/bpf_helpers.h>

            struct event { __u32 pid; char comm[16]; };

            struct {
            	__uint(type, BPF_MAP_TYPE_RINGBUF);
            	__uint(max_entries, 4096);
            } events SEC(".maps");

            SEC("tracepoint/syscalls/sys_enter_getppid")
            int on_getppid(void *ctx)
            {
            	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
            	if (!e)
            		return 0;
            	e->pid = bpf_get_current_pid_tgid() >> 32;
            	bpf_get_current_comm(e->comm, sizeof(e->comm));
            	bpf_ringbuf_submit(e, 0);
            	return 0;
            }

            char LICENSE[] SEC("license") = "GPL";
            """;

    BpfBuild.Settings withTypes(String... types) {
        return new BpfBuild.Settings(dir.resolve("src"), List.of(), null, List.of("-Werror"), true, "com.example.bpf",
                dir.resolve("classes"), dir.resolve("gen"), true, List.of(types));
    }

    /** {@code <types>}: a record and a typed reader for a struct only the ring buffer carries, no dummy variable. */
    @Test
    void typesGiveRecordsAndReadersWithoutDummyVariables() throws Exception {
        requireToolchain();
        Files.delete(dir.resolve("src/counter.bpf.c"));
        Files.writeString(dir.resolve("src/snoop.bpf.c"), RINGBUF_PROGRAM);
        Path java = dir.resolve("gen/com/example/bpf/SnoopSkeleton.java");
        BpfBuild.run(withTypes(), s -> { });
        String plain = Files.readString(java);
        assertFalse(plain.contains("record Event"), "clang writes no struct event into BTF by itself: " + plain);

        BpfBuild.run(withTypes("events=event"), s -> { });
        String src = Files.readString(java);
        assertTrue(src.contains("public record Event(int pid, String comm) {"), src);
        assertTrue(src.contains("public org.bpf4j.ringbuf.RingBufReader events(java.util.function.Consumer<? super Event> handler) {"), src);
        assertTrue(src.contains("public BpfMap events() {"), src);
        // the shipped object is the source's own: no .bss, no extra function, no struct event
        Path obj = dir.resolve("classes/com/example/bpf/snoop.bpf.o");
        ObjectSpec spec = ObjectSpec.read(obj);
        assertEquals(List.of("events"), List.copyOf(spec.maps().keySet()));
        assertTrue(spec.globals().isEmpty(), spec.globals().toString());
        assertTrue(Btf.read(obj).find("event", org.bpf4j.btf.BtfKind.STRUCT) <= 0, "struct event only in the types object");

        // a struct the source lacks, a reader for a map that is no ring buffer, a bad entry
        BpfBuild.BuildException e = assertThrows(BpfBuild.BuildException.class, () -> BpfBuild.run(withTypes("evnt"), s -> { }));
        assertEquals("<types>: no struct evnt is defined in snoop.bpf.c", e.getMessage());
        e = assertThrows(BpfBuild.BuildException.class, () -> BpfBuild.run(withTypes("events=x y"), s -> { }));
        assertEquals("bad <type> 'events=x y': a struct name (event), or a map and a struct (events=event)", e.getMessage());
        Files.writeString(dir.resolve("src/counter.bpf.c"), PROGRAM);
        e = assertThrows(BpfBuild.BuildException.class, () -> BpfBuild.run(withTypes("seen=key"), s -> { }));
        assertTrue(e.getMessage().startsWith("<types>: map 'seen' of counter.bpf.o is a "), e.getMessage());
    }

    @Test
    void clangErrorsNameTheSource() throws Exception {
        requireToolchain();
        Files.writeString(dir.resolve("src/broken.bpf.c"), "int f(void) { return undeclared; }\n");
        BpfBuild.BuildException e = assertThrows(BpfBuild.BuildException.class,
                () -> BpfBuild.run(settings(null, List.of()), s -> { }));
        assertTrue(e.getMessage().startsWith("clang failed on " + dir.resolve("src/broken.bpf.c")), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared"), e.getMessage());
    }

    @Test
    void aMissingClangIsReported() {
        BpfBuild.BuildException e = assertThrows(BpfBuild.BuildException.class,
                () -> BpfBuild.run(settings(dir.resolve("no-clang").toString(), List.of()), s -> { }));
        assertTrue(e.getMessage().contains("cannot run " + dir.resolve("no-clang")), e.getMessage());
    }

    @Test
    void noSourcesNoWork() throws Exception {
        BpfBuild.Settings s = new BpfBuild.Settings(dir.resolve("none"), List.of(), null, List.of(), true, "p",
                dir.resolve("classes"), dir.resolve("gen"), true);
        BpfBuild.Result r = BpfBuild.run(s, x -> { });
        assertEquals(List.of(), r.objects());
        assertFalse(Files.exists(dir.resolve("classes")));
    }
}
