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
