package org.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bpf4j.elf.ElfFile;

/** Fixtures, external oracles (bpftool, the libbpf oracle) and the kernel-availability rule for BTF tests. */
final class BtfTestSupport {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private BtfTestSupport() {
    }

    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(BtfTestSupport.class.getResource("/fixtures/" + name),
                    "missing fixture " + name + " (run scripts/build-fixtures)").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static Path fixturesDir() {
        return fixture("btf_kinds.o").getParent();
    }

    /** Names (without extension) of every fixture with a bpftool raw dump: NAME.o + NAME.btf.txt. */
    static List<String> btfFixtures() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixturesDir())) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".btf.txt")).sorted()
                    .forEach(n -> out.add(n.substring(0, n.length() - ".btf.txt".length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The .BTF section of a fixture object. */
    static byte[] btfSection(String fixture) {
        ElfFile elf = ElfFile.read(fixture(fixture + ".o"));
        return elf.bytes(elf.section(".BTF"));
    }

    static boolean kernelRequired() {
        return "1".equals(System.getenv("BPF4J_REQUIRE_KERNEL"));
    }

    /** Skips the test with the reason, or fails it when BPF4J_REQUIRE_KERNEL=1. */
    static void requireOrSkip(boolean available, String reason) {
        if (available) return;
        if (kernelRequired()) fail(reason + " (BPF4J_REQUIRE_KERNEL=1)");
        assumeTrue(false, reason);
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    static String bpftool() {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"}) {
            if (Files.isExecutable(Path.of(dir, "bpftool"))) return dir + "/bpftool";
        }
        return onPath("bpftool") ? "bpftool" : null;
    }

    /** Runs a command, returns its stdout; fails the test on a non-zero exit. */
    static String run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> copy(p.getErrorStream(), err));
            t.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + command);
            }
            t.join();
            if (p.exitValue() != 0) {
                fail(command + " exited with " + p.exitValue() + ": " + err.toString(StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process died; its exit code tells
        }
    }

    /** bpftool's raw dump of a file (with an optional base for split BTF). */
    static String bpftoolRaw(Path file, Path base) {
        String tool = bpftool();
        List<String> cmd = new ArrayList<>(List.of(tool));
        if (base != null) cmd.addAll(List.of("-B", base.toString()));
        cmd.addAll(List.of("btf", "dump", "file", file.toString(), "format", "raw"));
        return run(cmd);
    }

    /**
     * Builds core/src/test/tools/btf_oracle.c (libbpf's resolve_size/align_of/resolve_type per type)
     * into target/, or returns null if no C compiler or libbpf is available.
     */
    static Path oracle() {
        return buildTool("btf_oracle", "/usr/include/bpf/btf.h");
    }

    /** Builds core/src/test/tools/NAME.c against libbpf into target/NAME (if stale); null if impossible. */
    static Path buildTool(String name, String header) {
        Path out = Path.of("target", name).toAbsolutePath();
        Path src = Path.of("src", "test", "tools", name + ".c").toAbsolutePath();
        try {
            if (Files.isExecutable(out) && Files.exists(src)
                    && Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(src)) >= 0) {
                return out;
            }
        } catch (IOException e) {
            // rebuild
        }
        if (!Files.exists(src) || !onPath("cc") || !Files.exists(Path.of(header))) return null;
        try {
            Process p = new ProcessBuilder("cc", "-O2", src.toString(), "-lbpf", "-o", out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("cannot build " + src + ": " + log);
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Asserts two large texts are equal, reporting the first differing line. */
    static void assertSameText(String expected, String actual, String what) {
        if (expected.equals(actual)) return;
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end>";
            String al = i < a.length ? a[i] : "<end>";
            if (!el.equals(al)) {
                fail(what + ": first difference at line " + (i + 1) + ":\n  expected: " + el + "\n  actual:   " + al);
            }
        }
        fail(what + ": texts differ");
    }

    /** A little-endian writer for hand-made BTF blobs. */
    static final class Blob {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Blob u32(long v) {
            out.write((int) v);
            out.write((int) (v >> 8));
            out.write((int) (v >> 16));
            out.write((int) (v >> 24));
            return this;
        }

        Blob u16(int v) {
            out.write(v);
            out.write(v >> 8);
            return this;
        }

        Blob u8(int v) {
            out.write(v);
            return this;
        }

        Blob bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** A type's common header: name_off, info (kind, vlen, kflag), size/type. */
        Blob type(int nameOff, int kind, int vlen, boolean kflag, int sizeOrType) {
            return u32(nameOff).u32((long) kind << 24 | vlen | (kflag ? 1L << 31 : 0)).u32(sizeOrType);
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        /** A whole BTF blob: header + types + strings. */
        static byte[] btf(byte[] types, byte[] strings) {
            return new Blob().u16(0xeb9f).u8(1).u8(0).u32(24).u32(0).u32(types.length).u32(types.length)
                    .u32(strings.length).bytes(types).bytes(strings).toByteArray();
        }
    }
}
