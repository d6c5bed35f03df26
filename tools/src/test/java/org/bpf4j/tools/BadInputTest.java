package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line under bad input (issue 14, item 5): each row is a command, the exact exit
 * status of the README's table, and the one line it must print on stderr (argp's "Try ..."
 * hint follows the line of a tool's usage error, as libbpf-tools print it); nothing on stdout
 * and never a stack trace. None needs the kernel: each is refused before anything is loaded.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static String obj, deadPid, garbage, missing, damagedBtf, bigBss, fileNotDir;

    @BeforeAll
    static void inputs() throws IOException, InterruptedException {
        obj = KernelTests.fixture("obj_full.o").toString();
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        deadPid = Long.toString(p.pid());
        assertFalse(Files.exists(Path.of("/proc", deadPid)), "pid " + deadPid + " was reused");
        byte[] noise = new byte[4096];
        new Random(14).nextBytes(noise);
        garbage = Files.write(dir.resolve("garbage.o"), noise).toString();
        missing = dir.resolve("missing.o").toString();
        byte[] elf = Files.readAllBytes(Path.of(obj));
        // .bss (section 8 of obj_full.o, found by name below) claiming 1.37 GB
        bigBss = Files.write(dir.resolve("bss.o"), withSectionSize(elf, ".bss", 1_370_000_000L)).toString();
        // a struct of the BTF 2 GB large: the C dumper refuses it
        damagedBtf = Files.write(dir.resolve("btf.o"), withLargestStructSize(elf, 0x7fffff00)).toString();
        fileNotDir = Files.writeString(dir.resolve("a-file"), "x").toString();
    }

    record Row(int status, String line, String... args) {
    }

    static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        // unknown tool or command
        r.add(new Row(2, "bpf4j: unknown command 'nosuchtool' (`bpf4j help` lists the commands)", "nosuchtool"));
        // bad flags and values
        r.add(new Row(64, "bpf4j syscount: invalid option -- 'q'", "syscount", "-q"));
        r.add(new Row(64, "bpf4j opensnoop: unrecognized option '--nosuch'", "opensnoop", "--nosuch"));
        r.add(new Row(64, "Invalid PID: -5", "exitsnoop", "-p", "-5"));
        r.add(new Row(2, "bpf4j btf: unknown format 'x' (known: c, raw)", "btf", "dump", "--format", "x"));
        // a pid that does not exist
        for (String tool : List.of("syscount", "opensnoop", "exitsnoop", "sigsnoop", "killsnoop", "runqlat", "cpudist",
                "offcputime", "profile", "javagc")) {
            r.add(new Row(1, "bpf4j " + tool + ": -p " + deadPid + ": no such process", tool, "-p", deadPid));
        }
        r.add(new Row(1, "bpf4j profile: -p " + deadPid + ": no such process", "profile", "-p", "1," + deadPid));
        // missing and garbage files
        r.add(new Row(1, "bpf4j prog: " + missing + ": cannot read: " + missing, "prog", "load", missing));
        r.add(new Row(1, "bpf4j prog: " + garbage + ": not an ELF file (bad magic ", "prog", "load", garbage));
        r.add(new Row(1, "bpf4j prog: " + bigBss + ": section .bss: 1370000000 bytes of global data", "prog", "load", bigBss));
        r.add(new Row(1, "bpf4j btf: " + missing + ": cannot read file: ", "btf", "dump", missing));
        r.add(new Row(1, "bpf4j btf: " + garbage + ": neither raw BTF (magic 0xeb9f) nor an ELF file", "btf", "dump", garbage));
        r.add(new Row(1, "bpf4j btf: " + damagedBtf + ": impossible layout of ", "btf", "dump", damagedBtf));
        r.add(new Row(1, "bpf4j core: " + garbage + ": not an ELF file (bad magic ", "core", "relocs", garbage));
        r.add(new Row(1, "bpf4j core: " + garbage + ": neither raw BTF (magic 0xeb9f) nor an ELF file", "core", "relocs", obj,
                "--btf", garbage));
        r.add(new Row(1, "bpf4j gen: " + missing + ": cannot read: " + missing, "gen", "skeleton", missing, "--package", "p",
                "--out", dir.toString()));
        // unwritable output
        r.add(new Row(1, "bpf4j gen: " + fileNotDir + ": cannot write " + fileNotDir + "/p/ObjFullSkeleton.java: ", "gen", "skeleton", obj, "--package", "p", "--out", fileNotDir));
        // unknown program names
        r.add(new Row(1, "bpf4j prog: " + obj + ": no program 'nosuch' (programs: ", "prog", "load", obj, "--program", "nosuch"));
        // unknown map names (a query of the kernel's maps: they are looked up, nothing is changed)
        r.add(new Row(1, "bpf4j map: ", "map", "dump", "name", "bpf4j_nosuch"));
        r.add(new Row(1, "bpf4j map: ", "map", "show", "name", "bpf4j_nosuch"));
        return r;
    }

    static String[] run(int expected, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(expected, status, String.join(" ", args) + ": " + e);
        assertEquals(0, out.size(), () -> String.join(" ", args) + " wrote " + out.size() + " bytes on stdout: "
                + new String(out.toByteArray(), 0, Math.min(out.size(), 300), StandardCharsets.UTF_8));
        assertFalse(e.contains("\tat "), "a stack trace: " + e);
        return e.split("\n");
    }

    @Test
    void everyRowIsOneLineAndItsStatus() {
        List<String> failed = new ArrayList<>();
        for (Row row : rows()) {
            try {
                check(row);
            } catch (AssertionError e) {
                failed.add(e.getMessage());
            }
        }
        assertTrue(failed.isEmpty(), String.join("\n", failed));
    }

    static void check(Row row) {
        {
            String[] lines = run(row.status(), row.args());
            String cmd = String.join(" ", row.args());
            assertTrue(lines[0].startsWith(row.line()), cmd + ": expected '" + row.line() + "', got: " + lines[0]);
            if (row.status() == 64 || row.status() == 2 && Tools.find(row.args()[0]) == null && lines.length > 1) {
                // a usage error: the line, argp's usage line after a tool's bad value, the hint
                assertEquals(lines[0].startsWith("Invalid") ? 3 : 2, lines.length, cmd + ": " + String.join("\n", lines));
                assertTrue(lines[lines.length - 1].startsWith("Try `bpf4j " + row.args()[0] + " --help'"), cmd);
            } else {
                assertEquals(1, lines.length, cmd + ": " + String.join("\n", lines));
            }
        }
    }

    @Test
    void outputThatCannotBeWrittenIsStatus1() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        assertEquals(1, Main.run(new String[] {"help"}, new PrintStream(full), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("bpf4j help: error writing the output\n", err.toString(StandardCharsets.UTF_8));
    }

    /** A bug (here an output stream that throws) is one line; --debug adds the stack trace. */
    @Test
    void anUnforeseenErrorIsOneLineUnlessDebug() {
        PrintStream broken = new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void print(String s) {
                throw new IllegalStateException("broken stream");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(1, Main.run(new String[] {"help"}, broken, e));
        assertEquals("bpf4j help: internal error: java.lang.IllegalStateException: broken stream (--debug prints where; "
                + "please report it)\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(1, Main.run(new String[] {"help", "--debug"}, broken, e));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("bpf4j help: internal error: java.lang.IllegalStateException: broken stream\n"), text);
        assertTrue(text.contains("\tat org.bpf4j.tools.Main"), text);
    }

    // ---------------------------------------------------------------------------------------------

    static byte[] withSectionSize(byte[] elf, String name, long size) {
        byte[] d = elf.clone();
        int h = sectionHeader(d, name);
        putU64(d, h + 32, size);
        return d;
    }

    static byte[] withLargestStructSize(byte[] elf, int size) {
        byte[] d = elf.clone();
        int h = sectionHeader(d, ".BTF");
        int base = (int) u64(d, h + 24);
        int hdr = u32(d, base + 4), typeOff = u32(d, base + 8), typeLen = u32(d, base + 12);
        int p = base + hdr + typeOff, end = p + typeLen, best = -1, bestVlen = -1;
        while (p + 12 <= end) {
            int info = u32(d, p + 4), kind = (info >>> 24) & 0x1f, vlen = info & 0xffff;
            if (kind == 4 && vlen > bestVlen) {
                best = p;
                bestVlen = vlen;
            }
            p += 12 + switch (kind) {
                case 1, 14, 17 -> 4;
                case 3 -> 12;
                case 4, 5, 15, 19 -> 12 * vlen;
                case 6, 13 -> 8 * vlen;
                default -> 0;
            };
        }
        putU32(d, best + 8, size);
        return d;
    }

    static int sectionHeader(byte[] d, String name) {
        int shoff = (int) u64(d, 40), shentsize = u16(d, 58), shnum = u16(d, 60), shstrndx = u16(d, 62);
        int strOff = (int) u64(d, shoff + shstrndx * shentsize + 24);
        for (int i = 0; i < shnum; i++) {
            int h = shoff + i * shentsize;
            int n = strOff + u32(d, h);
            int e = n;
            while (d[e] != 0) e++;
            if (new String(d, n, e - n, StandardCharsets.US_ASCII).equals(name)) return h;
        }
        throw new IllegalArgumentException("no section " + name);
    }

    static int u16(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
    }

    static int u32(byte[] d, int p) {
        return u16(d, p) | u16(d, p + 2) << 16;
    }

    static long u64(byte[] d, int p) {
        return (u32(d, p) & 0xffffffffL) | (long) u32(d, p + 4) << 32;
    }

    static void putU32(byte[] d, int p, int v) {
        for (int i = 0; i < 4; i++) d[p + i] = (byte) (v >> (8 * i));
    }

    static void putU64(byte[] d, int p, long v) {
        for (int i = 0; i < 8; i++) d[p + i] = (byte) (v >> (8 * i));
    }
}
