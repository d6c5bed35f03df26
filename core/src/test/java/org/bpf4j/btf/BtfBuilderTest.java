package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.assertSameText;
import static org.bpf4j.btf.BtfTestSupport.bpftool;
import static org.bpf4j.btf.BtfTestSupport.bpftoolRaw;
import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.bpf4j.btf.BtfSanitizer.Missing;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BtfBuilder and BtfSanitizer: round trips, loader-style fix-ups, libbpf's sanitization rules by
 * construction, and (as root, through libbpf's bpf_btf_load in core/src/test/tools/btf_load.c)
 * the kernel's BTF verifier accepting the results.
 */
class BtfBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void unchangedBuilderReproducesTheBlob() {
        for (String name : BtfTestSupport.btfFixtures()) {
            Btf btf = Btf.read(fixture(name + ".o"));
            BtfBuilder b = BtfBuilder.from(btf);
            assertEquals(btf.typeCount(), b.typeCount());
            assertArrayEquals(btf.raw(), b.build(), name);
        }
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        assertArrayEquals(Btf.kernel().raw(), BtfBuilder.from(Btf.kernel()).build());
    }

    @Test
    void splitBtfIsRefused() {
        Btf base = Btf.read(fixture("btf_kinds.o"));
        Btf split = Btf.parseSplit(SplitBtf.make(base), base, "split");
        assertThrows(IllegalArgumentException.class, () -> BtfBuilder.from(split));
    }

    /**
     * What a loader does before BPF_BTF_LOAD (libbpf's btf_fixup_datasec and collect_externs):
     * DATASEC sizes from the ELF sections, variable offsets from the symbols, variables sorted by
     * offset; extern .kconfig variables laid out and made global; extern .ksyms functions replaced by
     * a "dummy_ksym" VAR (whose name also fills their unnamed parameters).
     */
    static BtfBuilder fixUp(ElfFile elf, Btf btf) {
        BtfBuilder b = BtfBuilder.from(btf);
        int intId = btf.find("int", BtfKind.INT);
        int dummy = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) != BtfKind.DATASEC) continue;
            String sec = btf.name(id);
            int vlen = btf.vlen(id);
            if (sec.equals(".kconfig") || sec.equals(".ksyms")) {
                int off = 0;
                for (int i = 0; i < vlen; i++) {
                    int t = btf.datasecVarType(id, i);
                    int size;
                    if (btf.kind(t) == BtfKind.FUNC) {
                        if (dummy == 0) dummy = b.addType(b.addString("dummy_ksym"), BtfKind.VAR, 0, false, intId, 1);
                        b.setVarSecinfoType(id, i, dummy);
                        b.setFuncLinkage(t, BtfType.Func.GLOBAL);
                        // a global function needs named parameters: libbpf borrows the dummy's name
                        int proto = btf.sizeOrType(t);
                        for (int j = 0; j < btf.vlen(proto); j++) {
                            if (btf.paramType(proto, j) != 0 && btf.paramNameOffset(proto, j) == 0) {
                                b.setWord(proto, 2 * j, b.nameOffset(dummy));
                            }
                        }
                        size = 4;
                    } else {
                        b.setVarLinkage(t, BtfType.Var.GLOBAL);
                        size = (int) btf.sizeOf(t);
                        int align = btf.alignOf(btf.sizeOrType(t));
                        off = (off + align - 1) / align * align;
                    }
                    b.setVarSecinfo(id, i, off, size);
                    off += size;
                }
                b.setDatasecSize(id, off);
                continue;
            }
            Section s = elf.section(sec);
            b.setDatasecSize(id, (int) s.size());
            for (int i = 0; i < vlen; i++) {
                String var = btf.name(btf.datasecVarType(id, i));
                Symbol sym = elf.symbols().stream().filter(x -> x.name().equals(var) && x.sectionIndex() == s.index())
                        .findFirst().orElseThrow(() -> new AssertionError("no symbol " + var + " in " + sec));
                b.setVarSecinfo(id, i, (int) sym.value(), btf.datasecVarSize(id, i));
            }
            b.sortDatasecVars(id);
        }
        return b;
    }

    @Test
    void fixUpsAreWrittenAndSorted() {
        ElfFile elf = ElfFile.read(fixture("btf_kinds.o"));
        Btf btf = Btf.read(fixture("btf_kinds.o"));
        Btf fixed = fixUp(elf, btf).toBtf("fixed");
        int bss = fixed.find(".bss", BtfKind.DATASEC);
        assertEquals(elf.section(".bss").size(), fixed.sizeOrType(bss));
        int prev = -1;
        for (int i = 0; i < fixed.vlen(bss); i++) {
            int off = fixed.datasecVarOffset(bss, i);
            assertTrue(off > prev, "sorted by offset");
            prev = off;
            String name = fixed.name(fixed.datasecVarType(bss, i));
            Symbol sym = elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            assertEquals(sym.value(), off, name);
            assertEquals(sym.size(), fixed.datasecVarSize(bss, i), name);
        }
        int ksyms = fixed.find(".ksyms", BtfKind.DATASEC);
        int dummy = fixed.datasecVarType(ksyms, 0);
        assertEquals("dummy_ksym", fixed.name(dummy));
        assertEquals(btf.typeCount(), dummy, "appended");
        assertEquals(new BtfType.Var(dummy, "dummy_ksym", fixed.find("int", BtfKind.INT), 1), fixed.type(dummy));
        assertEquals(BtfType.Func.GLOBAL, fixed.funcLinkage(fixed.find("bpf_fake_kfunc", BtfKind.FUNC)));
        assertEquals(BtfType.Var.GLOBAL, fixed.varLinkage(fixed.find("LINUX_KERNEL_VERSION", BtfKind.VAR)));
        assertEquals(4, fixed.sizeOrType(fixed.find(".kconfig", BtfKind.DATASEC)));
        int kfuncProto = btf.sizeOrType(btf.find("bpf_fake_kfunc", BtfKind.FUNC));
        assertEquals("dummy_ksym", fixed.paramName(kfuncProto, 0), "unnamed parameter of a global function named");
        // everything else is untouched
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.DATASEC || btf.kind(id) == BtfKind.VAR || btf.kind(id) == BtfKind.FUNC
                    || id == kfuncProto) {
                continue;
            }
            assertEquals(btf.type(id), fixed.type(id));
        }
    }

    @Test
    void stringsAndEditingRules() {
        Btf btf = Btf.read(fixture("btf_ext.o"));
        BtfBuilder b = BtfBuilder.from(btf);
        int intName = btf.nameOffset(btf.find("int", BtfKind.INT));
        assertEquals(intName, b.addString("int"), "existing strings are reused");
        assertEquals(0, b.addString(""));
        int fresh = b.addString("brand_new");
        assertEquals(btf.stringsLength(), fresh);
        assertEquals(fresh, b.addString("brand_new"));
        assertEquals("brand_new", b.string(fresh));
        int task = btf.find("task_struct", BtfKind.STRUCT);
        b.setName(task, fresh);
        Btf rebuilt = b.toBtf("rebuilt");
        assertEquals("brand_new", rebuilt.name(task));
        assertEquals(btf.stringsLength() + "brand_new".length() + 1, rebuilt.stringsLength());
        assertThrows(IllegalArgumentException.class, () -> b.addString("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> b.setName(task, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> b.setInfo(task, BtfKind.INT, 0, false),
                "a STRUCT with members cannot become an INT in place");
        assertThrows(IllegalArgumentException.class, () -> b.setDatasecSize(task, 8));
        assertThrows(IllegalArgumentException.class, () -> b.setVarSecinfo(btf.find(".bss", BtfKind.DATASEC), 5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> b.setVarLinkage(task, 0));
        assertThrows(IllegalArgumentException.class, () -> b.addType(0, BtfKind.ARRAY, 0, false, 0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> b.kind(b.typeCount()));
        assertThrows(IllegalArgumentException.class, () -> b.word(task, btf.vlen(task) * 3));
        // appended types are visible to the parser and formatter
        int u = b.addInt("u24", 3, 0);
        int arr = b.addType(0, BtfKind.ARRAY, 0, false, 0, u, u, 7);
        Btf withNew = b.toBtf("new");
        assertEquals(21, withNew.sizeOf(arr));
        assertEquals("[" + u + "] INT 'u24' size=3 bits_offset=0 nr_bits=24 encoding=(none)",
                BtfRawFormatter.format(withNew).lines().filter(l -> l.startsWith("[" + u + "]")).findFirst().orElseThrow());
    }

    // ---------------------------------------------------------------------------------------
    // Sanitizer

    static Btf sanitized(Btf btf, Set<Missing> missing) {
        return Btf.parse(BtfSanitizer.sanitize(btf, missing), "sanitized " + missing);
    }

    static int count(Btf btf, BtfKind kind) {
        int n = 0;
        for (int id = 1; id < btf.typeCount(); id++) if (btf.kind(id) == kind) n++;
        return n;
    }

    @Test
    void nothingMissingChangesNothing() {
        Btf btf = Btf.read(fixture("btf_kinds.o"));
        assertArrayEquals(btf.raw(), BtfSanitizer.sanitize(btf, EnumSet.noneOf(Missing.class)));
    }

    @Test
    void rulesByConstruction() {
        Btf btf = fixUp(ElfFile.read(fixture("btf_kinds.o")), Btf.read(fixture("btf_kinds.o"))).toBtf("fixed");
        int n = btf.typeCount();

        Btf noDatasec = sanitized(btf, EnumSet.of(Missing.DATASEC));
        assertEquals(0, count(noDatasec, BtfKind.DATASEC));
        assertEquals(0, count(noDatasec, BtfKind.VAR));
        int data = btf.find(".data", BtfKind.DATASEC);
        BtfType.Struct s = (BtfType.Struct) noDatasec.type(data);
        assertEquals("_data", s.name());
        assertEquals(btf.sizeOrType(data), s.size());
        for (int i = 0; i < s.members().size(); i++) {
            BtfType.Member m = s.members().get(i);
            int var = btf.datasecVarType(data, i);
            assertEquals(new BtfType.Member(btf.name(var), var, btf.datasecVarOffset(data, i) * 8, 0), m);
            assertEquals(new BtfType.Int(var, btf.name(var), 1, 0, 0, 8), noDatasec.type(var), "VAR -> INT size 1");
        }
        assertEquals(n, noDatasec.typeCount());

        Btf noDeclTag = sanitized(btf, EnumSet.of(Missing.DECL_TAG));
        assertEquals(0, count(noDeclTag, BtfKind.DECL_TAG));
        int tag = btf.find("struct_tag", BtfKind.DECL_TAG);
        assertEquals(new BtfType.Int(tag, "struct_tag", 1, 0, 0, 8), noDeclTag.type(tag));
        assertEquals(count(btf, BtfKind.VAR), count(noDeclTag, BtfKind.VAR));

        Btf noFunc = sanitized(btf, EnumSet.of(Missing.FUNC));
        assertEquals(0, count(noFunc, BtfKind.FUNC) + count(noFunc, BtfKind.FUNC_PROTO));
        int helper = btf.find("global_helper", BtfKind.FUNC);
        int proto = btf.sizeOrType(helper);
        assertEquals(new BtfType.Typedef(helper, "global_helper", proto), noFunc.type(helper));
        BtfType.Enum e = (BtfType.Enum) noFunc.type(proto);
        assertEquals(4, e.size());
        assertFalse(e.signed());
        assertEquals(List.of(new BtfType.EnumValue("a", btf.paramType(proto, 0)),
                new BtfType.EnumValue("b", btf.paramType(proto, 1))), e.values());

        Btf noGlobal = sanitized(btf, EnumSet.of(Missing.FUNC_GLOBAL));
        for (int id = 1; id < n; id++) {
            if (btf.kind(id) == BtfKind.FUNC) assertEquals(0, noGlobal.funcLinkage(id), btf.describe(id));
        }
        assertEquals(count(btf, BtfKind.FUNC), count(noGlobal, BtfKind.FUNC));

        Btf noFloat = sanitized(btf, EnumSet.of(Missing.FLOAT));
        int dbl = btf.find("double", BtfKind.FLOAT);
        assertEquals(new BtfType.Struct(dbl, "", 8, List.of()), noFloat.type(dbl));
        assertEquals(0, count(noFloat, BtfKind.FLOAT));

        Btf noTypeTag = sanitized(btf, EnumSet.of(Missing.TYPE_TAG));
        int user = btf.find("user", BtfKind.TYPE_TAG);
        assertEquals(new BtfType.Const(user, btf.sizeOrType(user)), noTypeTag.type(user));
        assertEquals(0, count(noTypeTag, BtfKind.TYPE_TAG));

        Btf noEnum64 = sanitized(btf, EnumSet.of(Missing.ENUM64));
        assertEquals(0, count(noEnum64, BtfKind.ENUM64));
        assertEquals(n + 1, noEnum64.typeCount(), "one placeholder INT appended");
        assertEquals(new BtfType.Int(n, "enum64_placeholder", 1, 0, 0, 8), noEnum64.type(n));
        int big = btf.find("big_unsigned", BtfKind.ENUM64);
        BtfType.Union u = (BtfType.Union) noEnum64.type(big);
        assertEquals(8, u.size());
        assertEquals(List.of(new BtfType.Member("BIG_A", n, 0, 0), new BtfType.Member("BIG_B", n, 0, 0),
                new BtfType.Member("BIG_MAX", n, 0, 0)), u.members());
        int neg = btf.find("neg", BtfKind.ENUM);
        assertTrue(btf.kindFlag(neg));
        assertFalse(noEnum64.kindFlag(neg), "signedness dropped");
        assertEquals(btf.type(btf.find("u32_enum", BtfKind.ENUM)), noEnum64.type(btf.find("u32_enum", BtfKind.ENUM)));

        // a '?' DATASEC (libbpf's optional sections) is renamed only without QMARK_DATASEC support
        BtfBuilder q = BtfBuilder.from(btf);
        int rodata = btf.find(".rodata", BtfKind.DATASEC);
        q.setName(rodata, q.addString("?.rodata"));
        Btf qmark = q.toBtf("qmark");
        assertEquals("?.rodata", sanitized(qmark, EnumSet.of(Missing.FLOAT)).name(rodata));
        assertEquals("_.rodata", sanitized(qmark, EnumSet.of(Missing.QMARK_DATASEC)).name(rodata));
        assertEquals("__rodata", sanitized(qmark, EnumSet.of(Missing.DATASEC, Missing.QMARK_DATASEC)).name(rodata));

        // everything at once: only pre-5.0 kinds remain
        Btf ancient = sanitized(btf, EnumSet.allOf(Missing.class));
        for (int id = 1; id < ancient.typeCount(); id++) {
            assertTrue(ancient.kindCode(id) <= BtfKind.RESTRICT.code(), ancient.describe(id));
            if (ancient.kind(id) == BtfKind.ENUM) assertFalse(ancient.kindFlag(id));
        }
    }

    /** The sanitized BTF is valid for libbpf too: bpftool parses it and prints what we print. */
    @ParameterizedTest
    @EnumSource(Missing.class)
    void bpftoolReadsSanitizedBtf(Missing missing) throws IOException {
        requireOrSkip(bpftool() != null, "bpftool not installed");
        Btf btf = fixUp(ElfFile.read(fixture("btf_kinds.o")), Btf.read(fixture("btf_kinds.o"))).toBtf("fixed");
        byte[] out = BtfSanitizer.sanitize(btf, EnumSet.of(missing));
        Path file = tmp.resolve(missing + ".btf");
        Files.write(file, out);
        assertSameText(bpftoolRaw(file, null), BtfRawFormatter.format(Btf.parse(out, "x")), missing.toString());
    }

    // ---------------------------------------------------------------------------------------
    // The kernel's verdict

    static Path loader() {
        return BtfTestSupport.buildTool("btf_load", "/usr/include/bpf/bpf.h");
    }

    /** Loads raw BTF into the kernel; returns null if accepted, else the kernel's log. */
    String kernelVerdict(byte[] btf, String name) throws IOException, InterruptedException {
        Path file = tmp.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".btf");
        Files.write(file, btf);
        Process p = new ProcessBuilder(loader().toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : out;
    }

    static void requireKernelLoad() {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        requireOrSkip("root".equals(System.getProperty("user.name")), "loading BTF needs root (CAP_BPF)");
        requireOrSkip(loader() != null, "cannot build core/src/test/tools/btf_load.c (needs cc and libbpf-dev)");
    }

    @Test
    void kernelAcceptsFixedUpAndSanitizedBtf() throws Exception {
        requireKernelLoad();
        for (String name : List.of("btf_kinds", "btf_ext")) {
            ElfFile elf = ElfFile.read(fixture(name + ".o"));
            Btf btf = Btf.read(fixture(name + ".o"));
            // as compiled, the kernel refuses it: DATASEC sizes are 0, extern FUNCs have linkage 2
            String raw = kernelVerdict(btf.raw(), name + "-raw");
            assertTrue(raw != null && raw.contains(name.equals("btf_ext") ? "size == 0" : "Invalid func linkage"),
                    name + ": " + raw);
            Btf fixed = fixUp(elf, btf).toBtf(name);
            assertEquals(null, kernelVerdict(fixed.raw(), name + "-fixed"), name + " fixed up");
            // a real kernel lacks everything newer than itself: a suffix of the order kernels gained them
            Missing[] all = {Missing.FUNC, Missing.DATASEC, Missing.FUNC_GLOBAL, Missing.FLOAT, Missing.DECL_TAG,
                Missing.TYPE_TAG, Missing.ENUM64, Missing.QMARK_DATASEC};
            for (int from = all.length - 1; from >= 0; from--) {
                EnumSet<Missing> missing = EnumSet.noneOf(Missing.class);
                for (int i = from; i < all.length; i++) missing.add(all[i]);
                // without FUNC support, prototypes become enums, and the kernel (since 5.x) wants every
                // enumerator named: btf_kinds has prototypes with unnamed parameters (function pointers)
                if (missing.contains(Missing.FUNC) && name.equals("btf_kinds")) continue;
                assertEquals(null, kernelVerdict(BtfSanitizer.sanitize(fixed, missing), name + "-" + missing),
                        name + " without " + missing);
            }
        }
        Btf kinds = fixUp(ElfFile.read(fixture("btf_kinds.o")), Btf.read(fixture("btf_kinds.o"))).toBtf("btf_kinds");
        String log = kernelVerdict(BtfSanitizer.sanitize(kinds, EnumSet.allOf(Missing.class)), "btf_kinds-all");
        assertTrue(log != null && log.contains("Invalid name"), "libbpf's FUNC_PROTO -> ENUM rule leaves unnamed enumerators: " + log);
    }
}
