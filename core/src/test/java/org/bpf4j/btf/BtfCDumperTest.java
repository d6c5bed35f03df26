package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.bpftool;
import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.read;
import static org.bpf4j.btf.BtfTestSupport.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bpf4j.ObjectFileException;
import org.bpf4j.btf.BtfTestSupport.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BtfCDumper} against {@code bpftool btf dump file X format c} (bpftool 7.1, the libbpf
 * of Linux 6.1.192) and against the compiler.
 *
 * <p>The rule: our text equals bpftool's after removing the {@code __attribute__((mode(byte)))}
 * and {@code __attribute__((mode(word)))} we add to 1- and 8-byte enums (libbpf 1.1+ does too;
 * without them such an enum is 4 bytes in C and every struct holding one is laid out wrong, which
 * {@link #oneByteEnumsKeepTheirSize} shows). Nothing else may differ.
 *
 * <p>Every dump is also compiled with clang for the BPF target together with a static assertion
 * of the size of every struct, union and enum written and of the offset of every named
 * non-bitfield member, taken from the BTF: the C text reproduces the original layout exactly.
 */
class BtfCDumperTest {
    static final String MODE_BYTE = " __attribute__((mode(byte)))";
    static final String MODE_WORD = " __attribute__((mode(word)))";

    static final String PACKED = " __attribute__((packed))";

    /**
     * Checks the rule: line by line equal, except closing-brace lines where we add mode(byte) or
     * mode(word) (enums) or packed (unions) after the '}'. Returns how many lines differ by each
     * attribute: {mode(byte), mode(word), packed}.
     */
    static int[] assertBpftool71Rule(String expected, String ours, String what) {
        String[] e = expected.split("\n", -1);
        String[] o = ours.split("\n", -1);
        int[] added = new int[3];
        String[] attrs = {MODE_BYTE, MODE_WORD, PACKED};
        for (int i = 0; i < Math.max(e.length, o.length); i++) {
            String el = i < e.length ? e[i] : "<end>";
            String ol = i < o.length ? o[i] : "<end>";
            if (el.equals(ol)) continue;
            boolean explained = false;
            for (int a = 0; a < attrs.length && !explained; a++) {
                int brace = el.indexOf('}');
                if (brace >= 0 && ol.equals(el.substring(0, brace + 1) + attrs[a] + el.substring(brace + 1))) {
                    added[a]++;
                    explained = true;
                }
            }
            if (!explained) {
                org.junit.jupiter.api.Assertions.fail(what + ": line " + (i + 1) + " differs beyond the rule:\n  bpftool: "
                        + el + "\n  ours:    " + ol);
            }
        }
        return added;
    }

    /** How many of the types we write need each attribute: {1-byte enums, 8-byte enums with 32-bit values, packed unions}. */
    static int[] expectedAdditions(Btf btf) {
        int[] n = new int[3];
        for (int id = 1; id < btf.typeCount(); id++) {
            int k = btf.kindCode(id);
            if ((k == 6 || k == 19) && btf.vlen(id) > 0) {
                if (btf.sizeOrType(id) == 1) n[0]++;
                if (btf.sizeOrType(id) == 8) {
                    boolean high = false;
                    for (int i = 0; k == 19 && i < btf.vlen(id); i++) high |= (btf.enumValue(id, i) >>> 32) != 0;
                    if (!high) n[1]++;
                }
            }
            if (k == 5) {
                int max = 1;
                for (int i = 0; i < btf.vlen(id); i++) max = Math.max(max, btf.alignOf(btf.memberType(id, i)));
                if (btf.sizeOrType(id) % max != 0) n[2]++;
            }
        }
        return n;
    }

    static List<String> cdumpFixtures() {
        return List.of("layout", "syntax", "ordering", "dups");
    }

    static Path cdumpFixture(String name) {
        return fixture("btfdump/" + name);
    }

    static String vmlinuxH(Btf btf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        BtfCDumper.dumpVmlinuxH(btf, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------
    // Fixtures built from C in the repository (scripts/build-btfdump-fixtures)

    @ParameterizedTest
    @MethodSource("cdumpFixtures")
    void fixtureMatchesBpftool(String name) {
        Btf btf = Btf.read(cdumpFixture(name + ".o"));
        String expected = read(cdumpFixture(name + ".bpftool.h"));
        assertTrue(expected.contains("#endif /* __VMLINUX_H__ */"));
        int[] added = assertBpftool71Rule(expected, vmlinuxH(btf), name);
        assertEquals(Arrays.toString(expectedAdditions(btf)), Arrays.toString(added), name);
    }

    @ParameterizedTest
    @MethodSource("cdumpFixtures")
    void fixtureCompilesWithTheOriginalLayout(String name) {
        Btf btf = Btf.read(cdumpFixture(name + ".o"));
        compileWithLayoutAsserts(btf, name, null);
    }

    @Test
    void layoutFixtureHasTheHardCases() {
        String h = vmlinuxH(Btf.read(cdumpFixture("layout.o")));
        assertTrue(h.contains("\tchar: 7;\n\tunsigned int x: 5;\n\tlong: 44;\n"), "bitfield holes filled");
        assertTrue(h.contains("\tshort: 0;\n\tint i;\n} __attribute__((packed));"), "alignment inside a packed struct");
        assertTrue(h.contains("struct empty {};"), "empty struct on one line");
        assertTrue(h.contains("struct packed_but_natural {\n\tint i;\n\tint j;\n};"), "natural layout: no packed");
        String s = vmlinuxH(Btf.read(cdumpFixture("syntax.o")));
        assertTrue(s.contains("typedef int (* (*factory_t)(void))(long);"), "function returning a function pointer");
        assertTrue(s.contains("typedef char * (* const handlers_t[3])(void *);"), "array of const function pointers");
        assertTrue(s.contains("\tint (*(*nested)[2])[3];"), "pointer to array of pointers to arrays");
        assertTrue(s.contains("\tint __attribute__((btf_type_tag(\"user\"))) *user_ptr;"), "type tags");
        assertTrue(s.contains("\tBIG_HIGH = 18446744069414584320ULL,"), "unsigned enum64");
        assertTrue(s.contains("\tNEG64_MIN = -9223372036854775808LL,"), "signed enum64 minimum");
        assertTrue(s.contains("\t\tenum {\n\t\t\tINLINE_X = 0,"), "anonymous enum inline");
        assertTrue(s.contains("\tchar flex[0];\n"), "flexible array");
    }

    @Test
    void duplicateNamesAreSuffixedInWriteOrder() {
        Btf btf = Btf.read(cdumpFixture("dups.o"));
        BtfCDumper d = new BtfCDumper(btf, ByteArrayOutputStream.nullOutputStream());
        d.dumpAll();
        int[] shared = btf.findAll("shared");
        assertEquals(2, shared.length);
        assertEquals("shared", d.writtenName(shared[0]));
        assertEquals("shared___2", d.writtenName(shared[1]));
        int[] typedefs = btf.findAll("shared_t");
        assertEquals("shared_t", d.writtenName(typedefs[0]));
        assertEquals("shared_t___2", d.writtenName(typedefs[1]));
        String c = BtfCDumper.toC(btf);
        assertTrue(c.contains("\tSHARED_ONE___2 = 10,\n\tSHARED_THREE = 30,"), "enumerators share the typedef namespace");
    }

    /**
     * Why we add mode(byte): the syntax fixture's {@code enum one_byte} is 1 byte (a packed enum).
     * With bpftool 7.1's header the struct that holds it has the wrong size; with ours it has the
     * original one.
     */
    @Test
    void oneByteEnumsKeepTheirSize() {
        Btf btf = Btf.read(cdumpFixture("syntax.o"));
        int oneByte = btf.find("one_byte", BtfKind.ENUM);
        assertEquals(1, btf.sizeOrType(oneByte));
        String ours = vmlinuxH(btf);
        assertTrue(ours.contains("\tOB_B = 200,\n}" + MODE_BYTE + ";"));
        requireClang();
        String asserts = "_Static_assert(sizeof(enum one_byte) == 1, \"one_byte\");\n"
                + "_Static_assert(sizeof(struct declarators) == " + btf.sizeOf(btf.find("declarators", BtfKind.STRUCT))
                + ", \"declarators\");\n";
        assertEquals("", compile(ours, asserts), "our header keeps the size");
        String bpftools = read(cdumpFixture("syntax.bpftool.h"));
        String log = compile(bpftools, asserts);
        assertTrue(log.contains("static assertion failed") && log.contains("one_byte"), log);
    }

    // ------------------------------------------------------------------------------------------
    // Real kernels: the running one and Debian's 6.1 (shared/kernels/fetch-btf.sh)

    @Test
    void kernelMatchesBpftoolAndCompiles() {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        requireOrSkip(bpftool() != null, "bpftool not installed");
        checkAgainstBpftool(Btf.kernel(), BtfTestSupport.VMLINUX, "running kernel");
    }

    /** The Debian 6.1 kernels apt serves today (whichever builds those are). */
    @Test
    void debianKernelsMatchBpftoolAndCompile() {
        requireOrSkip(bpftool() != null, "bpftool not installed");
        for (org.bpf4j.testing.DebianKernels.Served k : org.bpf4j.testing.DebianKernels.served()) {
            checkAgainstBpftool(Btf.read(k.btf()), k.btf(), k.release());
        }
    }

    private static void checkAgainstBpftool(Btf btf, Path file, String what) {
        String expected = BtfTestSupport.run(List.of(bpftool(), "btf", "dump", "file", file.toString(), "format", "c"));
        assertTrue(expected.lines().count() > 10000, what);
        String ours = vmlinuxH(btf);
        int[] added = assertBpftool71Rule(expected, ours, what);
        assertEquals(Arrays.toString(expectedAdditions(btf)), Arrays.toString(added), what);
        System.out.println(what + ": equal to bpftool 7.1 but for " + added[0] + " mode(byte), " + added[1]
                + " mode(word), " + added[2] + " packed unions");
        compileWithLayoutAsserts(btf, what, ours);
    }

    @Test
    void existingBtfFixturesMatchBpftool() {
        requireOrSkip(bpftool() != null, "bpftool not installed");
        for (String name : BtfTestSupport.btfFixtures()) {
            Path o = fixture(name + ".o");
            String expected = BtfTestSupport.run(List.of(bpftool(), "btf", "dump", "file", o.toString(), "format", "c"));
            Btf btf = Btf.read(o);
            int[] added = assertBpftool71Rule(expected, vmlinuxH(btf), name);
            assertEquals(Arrays.toString(expectedAdditions(btf)), Arrays.toString(added), name);
        }
    }

    @Test
    void splitBtfMatchesBpftool() throws IOException {
        requireOrSkip(bpftool() != null, "bpftool not installed");
        Path base = fixture("btf_kinds.o");
        Path tmp = Files.createTempFile("split", ".btf");
        try {
            Files.write(tmp, SplitBtf.make(Btf.read(base)));
            Btf split = Btf.readSplit(tmp, Btf.read(base));
            String expected = BtfTestSupport.run(List.of(bpftool(), "-B", base.toString(), "btf", "dump", "file",
                    tmp.toString(), "format", "c"));
            assertTrue(expected.contains("split_s"));
            assertBpftool71Rule(expected, vmlinuxH(split), "split BTF");
        } finally {
            Files.delete(tmp);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Selected types (--type)

    @Test
    void selectedTypeComesWithWhatItNeeds() {
        Btf btf = Btf.read(cdumpFixture("ordering.o"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper d = new BtfCDumper(btf, out);
        for (int id : d.select("branch")) d.dumpType(id);
        d.flush();
        // leaf is only a forward declaration in this BTF (clang saw no use of its members)
        assertEquals("""
                struct leaf;

                struct tree;

                typedef struct tree tree_t;

                struct branch {
                	tree_t *owner;
                	struct branch *siblings;
                	struct leaf *first_leaf;
                };

                """, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void selectedTypesInFullDumpOrderCompile() {
        requireClang();
        Btf btf = Btf.read(cdumpFixture("ordering.o"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper.dumpSelected(btf, List.of("callbacks_t", "struct defined_later", "via_anon_pointer"), "test", out);
        String h = out.toString(StandardCharsets.UTF_8);
        assertTrue(h.startsWith("/*\n * test\n */\n#ifndef __VMLINUX_H__"), h);
        assertFalse(h.contains("struct list_node {"), "not needed");
        assertTrue(h.contains("struct embedded {"), "embedded in an anonymous struct behind a pointer: needed");
        assertEquals("", compile(h, "struct defined_later dl; struct via_anon_pointer vap;\n"));
    }

    @Test
    void selectorsByEnumeratorKindAndMembers() {
        Btf btf = Btf.read(cdumpFixture("syntax.o"));
        BtfCDumper d = new BtfCDumper(btf, ByteArrayOutputStream.nullOutputStream());
        assertArrayEquals(new int[] {btf.find("signed_enum", BtfKind.ENUM)}, d.select("ZERO"));
        assertArrayEquals(new int[] {btf.find("byte_t", BtfKind.TYPEDEF)}, d.select("typedef byte_t"));
        assertArrayEquals(new int[] {btf.find("tagged", BtfKind.STRUCT)}, d.select("struct tagged"));
        assertThrows(IllegalArgumentException.class, () -> d.select("union tagged"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.select("no_such_thing"));
        assertTrue(e.getMessage().contains("no type or enumerator named 'no_such_thing'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.select("tagged:nope"));
        assertTrue(e.getMessage().contains("has no member 'nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.select("byte_t:x"));
        assertTrue(e.getMessage().contains("only be chosen for a struct or union"), e.getMessage());
    }

    private static void assertArrayEquals(int[] expected, int[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }

    @Test
    void trimmedStructKeepsOffsetsAndSize() {
        Btf btf = Btf.read(cdumpFixture("layout.o"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper d = new BtfCDumper(btf, out);
        int[] holesIds = d.select("holes:l,tail");
        int[] bitsIds = d.select("bits_holes:x,last");
        for (int id : holesIds) d.dumpType(id);
        for (int id : bitsIds) d.dumpType(id);
        d.flush();
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals("""
                struct holes {
                	char __bpf4j_pad0[8];
                	long l;
                	char __bpf4j_pad16[8];
                	char tail;
                	char __bpf4j_pad25[7];
                };

                struct bits_holes {
                	char __bpf4j_pad0[1];
                	char: 7;
                	unsigned int x: 5;
                	char __bpf4j_pad3[13];
                	char last;
                	char __bpf4j_pad17[7];
                };

                """, text);
        requireClang();
        int holes = btf.find("holes", BtfKind.STRUCT);
        int bits = btf.find("bits_holes", BtfKind.STRUCT);
        String asserts = "_Static_assert(sizeof(struct holes) == " + btf.sizeOf(holes) + ", \"size\");\n"
                + "_Static_assert(__builtin_offsetof(struct holes, l) == " + btf.memberBitOffset(holes, 1) / 8 + ", \"l\");\n"
                + "_Static_assert(__builtin_offsetof(struct holes, tail) == " + btf.memberBitOffset(holes, 4) / 8 + ", \"t\");\n"
                + "_Static_assert(sizeof(struct bits_holes) == " + btf.sizeOf(bits) + ", \"size\");\n"
                + "_Static_assert(__builtin_offsetof(struct bits_holes, last) == "
                + btf.memberBitOffset(bits, btf.vlen(bits) - 1) / 8 + ", \"last\");\n"
                // the bitfield x is where the original has it
                + "static int x_bit(void) { struct bits_holes b = {}; b.x = 1; return ((unsigned char *)&b)[1]; }\n";
        assertEquals("", compile(text, asserts));
        assertEquals(8 + 7, btf.memberBitOffset(bits, 1), "x starts at bit 15 of the original");
    }

    @Test
    void trimmedStructDropsTheTypesOnlyDroppedMembersNeed() {
        Btf btf = Btf.read(cdumpFixture("ordering.o"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper.dumpSelected(btf, List.of("tree:parent"), null, out);
        String h = out.toString(StandardCharsets.UTF_8);
        assertFalse(h.contains("struct branch"), h);
        assertFalse(h.contains("struct list_node"), h);
        assertTrue(h.contains("\ttree_t *parent;\n"), h);
    }

    // ------------------------------------------------------------------------------------------
    // Malformed input

    /** struct a { struct a self; }: a loop C cannot express. */
    @Test
    void typeLoopIsAnErrorNamingTheType() {
        Blob t = new Blob();
        t.type(1, BtfKind.STRUCT.code(), 1, false, 4);
        t.u32(3).u32(1).u32(0);
        Btf btf = Btf.parse(Blob.btf(t.toByteArray(), "\0a\0self\0".getBytes(StandardCharsets.US_ASCII)), "loop.btf");
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> BtfCDumper.toC(btf));
        assertTrue(e.getMessage().contains("loop.btf") && e.getMessage().contains("'a'")
                && e.getMessage().contains("type loop"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------
    // Compiling

    static String clang() {
        for (String c : new String[] {"clang-19", "clang-20", "clang-18", "clang-17", "clang-16", "clang-15"}) {
            for (String dir : new String[] {"/usr/bin", "/usr/local/bin"}) {
                if (Files.isExecutable(Path.of(dir, c))) return dir + "/" + c;
            }
        }
        return null;
    }

    static void requireClang() {
        requireOrSkip(clang() != null, "no clang (15 or newer) for the BPF target");
    }

    /**
     * Compiles header + extra for the BPF target; returns "" on success, else the compiler's
     * output. bpftool prints INT64_MIN as -9223372036854775808LL too, which clang warns about.
     */
    static String compile(String header, String extra) {
        try {
            Path dir = Files.createTempDirectory("btfdump");
            try {
                Files.writeString(dir.resolve("vmlinux.h"), header);
                Files.writeString(dir.resolve("t.c"), "#include \"vmlinux.h\"\n" + extra);
                Process p = new ProcessBuilder(clang(), "-target", "bpf", "-fsyntax-only", "-Wall", "-Werror",
                        "-Wno-implicitly-unsigned-literal", "-Wno-unused-function", "t.c")
                        .directory(dir.toFile()).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "timed out";
                }
                return p.exitValue() == 0 ? "" : log.isEmpty() ? "exit " + p.exitValue() : log;
            } finally {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) s::iterator) Files.delete(f);
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Dumps btf (unless the text is given), then compiles it with static assertions of the size
     * of every struct, union and enum that was written under its own name and of the offset of
     * every named non-bitfield member of those structs and unions.
     */
    static void compileWithLayoutAsserts(Btf btf, String what, String text) {
        requireClang();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        BtfCDumper d = new BtfCDumper(btf, out);
        d.writeHeader();
        d.dumpAll();
        d.writeFooter();
        d.flush();
        String header = out.toString(StandardCharsets.UTF_8);
        if (text != null) assertEquals(text, header, "the same text twice");
        StringBuilder asserts = new StringBuilder();
        int n = 0;
        byte[] vaList = new byte[btf.typeCount()];
        for (int id = 1; id < btf.typeCount(); id++) {
            int k = btf.kindCode(id);
            String name = d.writtenName(id);
            if (name == null || (k != 4 && k != 5 && k != 6 && k != 19)) continue;
            // __builtin_va_list is the compiler's own type, of another size for the BPF target
            if (holdsBuiltinVaList(btf, id, vaList)) continue;
            if ((k == 6 || k == 19) && btf.vlen(id) == 0) continue;
            String c = (k == 4 ? "struct " : k == 5 ? "union " : "enum ") + name;
            asserts.append("_Static_assert(sizeof(").append(c).append(") == ").append(btf.sizeOf(id))
                    .append(", \"").append(id).append("\");\n");
            n++;
            if (k == 6 || k == 19) continue;
            for (int i = 0; i < btf.vlen(id); i++) {
                String m = btf.memberName(id, i);
                if (m.isEmpty() || btf.memberBitfieldSize(id, i) != 0) continue;
                asserts.append("_Static_assert(__builtin_offsetof(").append(c).append(", ").append(m).append(") == ")
                        .append(btf.memberBitOffset(id, i) / 8).append(", \"").append(id).append('.').append(i)
                        .append("\");\n");
                n++;
            }
        }
        assertTrue(n > 0, what);
        assertEquals("", compile(header, asserts.toString()), what + ": " + n + " layout assertions");
    }

    /** True if type id holds (not through a pointer) the typedef __builtin_va_list. */
    static boolean holdsBuiltinVaList(Btf btf, int id, byte[] memo) {
        if (memo[id] != 0) return memo[id] == 1;
        memo[id] = 2; // assume not, also while visiting (loops go through pointers)
        int t = id;
        boolean found = false;
        while (true) {
            int k = btf.kindCode(t);
            if (k == 8 && btf.name(t).equals("__builtin_va_list")) {
                found = true;
                break;
            }
            if (k == 8 || k == 9 || k == 10 || k == 11 || k == 18) {
                t = btf.sizeOrType(t);
            } else if (k == 3) {
                t = btf.arrayType(t);
            } else {
                if (k == 4 || k == 5) {
                    for (int i = 0; i < btf.vlen(t) && !found; i++) found = holdsBuiltinVaList(btf, btf.memberType(t, i), memo);
                }
                break;
            }
        }
        memo[id] = (byte) (found ? 1 : 2);
        return found;
    }

    @Test
    void fixturesExist() {
        for (String n : cdumpFixtures()) {
            assertNotNull(cdumpFixture(n + ".o"));
            assertNotNull(cdumpFixture(n + ".bpftool.h"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"layout", "syntax"})
    void dumpIsTheSameThroughEveryEntryPoint(String name) {
        Btf btf = Btf.read(cdumpFixture(name + ".o"));
        String all = vmlinuxH(btf);
        String body = BtfCDumper.toC(btf);
        assertTrue(all.contains(body));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper d = new BtfCDumper(btf, out);
        for (int id = 1; id < btf.typeCount(); id++) d.dumpType(id);
        d.flush();
        assertEquals(body, out.toString(StandardCharsets.UTF_8));
    }
}
