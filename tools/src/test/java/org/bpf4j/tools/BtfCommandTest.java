package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.bpf4j.btf.BtfRawFormatter;
import org.bpf4j.testing.DebianKernels;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bpf4j btf dump}: formats, bpftool's argument form, --type, -o, errors. */
class BtfCommandTest {
    static Path dir;
    static Path ordering;

    @BeforeAll
    static void copyFixture() throws IOException {
        dir = Files.createTempDirectory("btfcmd");
        ordering = dir.resolve("ordering.o");
        try (InputStream in = BtfCommandTest.class.getResourceAsStream("/fixtures/btfdump/ordering.o")) {
            assertTrue(in != null, "core's test fixtures on the class path");
            Files.copy(in, ordering);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.delete(p);
        }
        Files.delete(dir);
    }

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cIsTheDefaultAndBpftoolsFormIsAccepted() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BtfCDumper.dumpVmlinuxH(Btf.read(ordering), expected);
        String c = expected.toString(StandardCharsets.UTF_8);
        assertTrue(c.startsWith("#ifndef __VMLINUX_H__\n") && c.contains("struct tree {"));
        Result r = run("btf", "dump", ordering.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(c, r.out());
        assertEquals(c, run("btf", "dump", "file", ordering.toString(), "format", "c").out());
        assertEquals(c, run("btf", "dump", "--format", "c", ordering.toString()).out());
        assertEquals(c, run("btf", "dump", "file", ordering.toString()).out());
    }

    @Test
    void rawFormat() {
        String raw = BtfRawFormatter.format(Btf.read(ordering));
        assertEquals(raw, run("btf", "dump", ordering.toString(), "--format", "raw").out());
        assertEquals(raw, run("btf", "dump", "file", ordering.toString(), "format", "raw").out());
    }

    @Test
    void typesAndOutputFile() throws IOException {
        Path out = dir.resolve("sub.h");
        Result r = run("btf", "dump", ordering.toString(), "--type", "struct branch", "-t", "list_node", "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        String h = Files.readString(out);
        assertTrue(h.startsWith("#ifndef __VMLINUX_H__\n"), h);
        assertTrue(h.contains("struct list_node {\n\tstruct list_node *next;\n\tstruct list_node *prev;\n};"), h);
        assertTrue(h.contains("struct branch {"), h);
        assertTrue(!h.contains("struct via_anon_pointer"), h);
        assertTrue(h.endsWith("#endif /* __VMLINUX_H__ */\n"), h);
    }

    /**
     * A real kernel module's split BTF over its vmlinux BTF, against bpftool -B: af_key.ko of the
     * newest Debian 6.1 amd64 kernel apt serves (whichever build that is).
     */
    @Test
    void splitModuleBtfWithBaseMatchesBpftool() throws Exception {
        Path bpftool = Path.of("/usr/sbin/bpftool");
        KernelTests.require(Files.isExecutable(bpftool), "no bpftool (apt-get install bpftool)");
        DebianKernels.Served k = DebianKernels.servedWithModules("amd64");
        Path base = k.btf();
        Path ko = k.modules().resolve("kernel/net/key/af_key.ko");
        assertTrue(Files.isReadable(ko), ko + " in Debian's " + k.release());
        Process p = new ProcessBuilder(bpftool.toString(), "-B", base.toString(), "btf", "dump", "file", ko.toString(),
                "format", "c").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        Result r = run("btf", "dump", ko.toString(), "-B", base.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("struct pfkey_sock {"), "a type of the module");
        // Debian 6.1's BTF has no 1-byte enums or packed unions: no difference allowed at all
        assertEquals(expected, r.out());
        Result bpftoolForm = run("btf", "dump", "--base", base.toString(), "file", ko.toString(), "format", "c");
        assertEquals(expected, bpftoolForm.out());
    }

    @Test
    void errors() {
        Result r = run("btf", "dump", ordering.toString(), "--type", "nope");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no type or enumerator named 'nope'"), r.err());
        r = run("btf", "dump", ordering.toString(), "--format", "json");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown format 'json' (known: c, raw)"), r.err());
        r = run("btf", "dump", ordering.toString(), "--format", "raw", "--type", "tree");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--type needs --format c"), r.err());
        r = run("btf", "dump", dir.resolve("missing.btf").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("missing.btf") && r.err().contains("cannot"), r.err());
        r = run("btf", "frob");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown btf subcommand 'frob'"), r.err());
        r = run("btf", "dump", ordering.toString(), "--type", "tree", "-o", dir.resolve("no/such/dir/x.h").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("cannot write"), r.err());
    }
}
