package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.bpf4j.btf.BtfType.Composite;
import org.bpf4j.btf.BtfType.EnumValue;
import org.bpf4j.btf.BtfType.Member;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Materialized types and flyweight accessors, checked against what the C source of btf_kinds.c declares. */
class BtfTypesTest {
    static Btf btf;

    @BeforeAll
    static void load() {
        btf = Btf.read(fixture("btf_kinds.o"));
    }

    static int id(String name, BtfKind kind) {
        int id = btf.find(name, kind);
        assertTrue(id > 0, "no " + kind + " " + name);
        return id;
    }

    @Test
    void basics() {
        assertEquals(fixture("btf_kinds.o").toString(), btf.origin());
        assertNull(btf.base());
        assertEquals(1, btf.firstId());
        assertEquals(BtfKind.UNKN, btf.kind(0));
        assertSame(BtfType.Void.INSTANCE, btf.type(0));
        assertEquals("", btf.name(0));
        assertEquals("", btf.string(0));
        assertThrows(IllegalArgumentException.class, () -> btf.kind(btf.typeCount()));
        assertThrows(IllegalArgumentException.class, () -> btf.type(-1));
        assertThrows(IllegalArgumentException.class, () -> btf.string(btf.stringsLength()));
        assertThrows(IllegalArgumentException.class, () -> btf.string(-1));
        // raw() is the blob as parsed, copied
        byte[] raw = btf.raw();
        assertArrayEquals(BtfTestSupport.btfSection("btf_kinds"), raw);
        raw[0] = 0;
        assertEquals((byte) 0x9f, btf.raw()[0]);
        assertEquals(BtfTestSupport.btfSection("btf_kinds").length, 24 + btf.stringsLength()
                + Btf.u32(raw, 12), "header + types + strings");
    }

    @Test
    void ints() {
        record I(String name, int size, int encoding) {
        }
        List<I> expected = List.of(new I("char", 1, BtfType.Int.SIGNED), new I("signed char", 1, BtfType.Int.SIGNED),
                new I("unsigned char", 1, 0), new I("short", 2, BtfType.Int.SIGNED), new I("unsigned short", 2, 0),
                new I("int", 4, BtfType.Int.SIGNED), new I("unsigned int", 4, 0), new I("long", 8, BtfType.Int.SIGNED),
                new I("unsigned long", 8, 0), new I("long long", 8, BtfType.Int.SIGNED),
                new I("unsigned long long", 8, 0), new I("_Bool", 1, BtfType.Int.BOOL),
                new I("__int128", 16, BtfType.Int.SIGNED), new I("unsigned __int128", 16, 0));
        for (I e : expected) {
            int id = id(e.name(), BtfKind.INT);
            BtfType.Int t = assertInstanceOf(BtfType.Int.class, btf.type(id));
            assertEquals(new BtfType.Int(id, e.name(), e.size(), e.encoding(), 0, e.size() * 8), t);
            assertEquals(e.size(), btf.sizeOrType(id));
            assertEquals(e.encoding(), btf.intEncoding(id));
            assertEquals(e.size() * 8, btf.intBits(id));
            assertEquals(e.size(), btf.sizeOf(id));
            assertEquals(Math.min(8, e.size()), btf.alignOf(id));
        }
        assertTrue(((BtfType.Int) btf.type(id("_Bool", BtfKind.INT))).isBool());
        assertFalse(((BtfType.Int) btf.type(id("unsigned int", BtfKind.INT))).isSigned());
        for (String f : new String[] {"float", "double", "long double"}) {
            BtfType.Float t = assertInstanceOf(BtfType.Float.class, btf.type(id(f, BtfKind.FLOAT)));
            assertEquals(f.equals("float") ? 4 : 8, t.size());
        }
    }

    @Test
    void bitfieldsAreNormalized() {
        int id = id("bits", BtfKind.STRUCT);
        assertTrue(btf.kindFlag(id), "a struct with bitfields uses the kind flag");
        BtfType.Struct s = assertInstanceOf(BtfType.Struct.class, btf.type(id));
        assertEquals(16, s.size());
        int uint = id("unsigned int", BtfKind.INT);
        int sint = id("int", BtfKind.INT);
        int ull = id("unsigned long long", BtfKind.INT);
        int chr = id("char", BtfKind.INT);
        int schar = id("signed char", BtfKind.INT);
        // unsigned int a:3; int b:5; unsigned long long c:40; char d; int :0; signed char e:2;
        assertEquals(List.of(new Member("a", uint, 0, 3), new Member("b", sint, 3, 5), new Member("c", ull, 8, 40),
                new Member("d", chr, 48, 0), new Member("e", schar, 64, 2)), s.members());
        for (int i = 0; i < s.members().size(); i++) {
            Member m = s.members().get(i);
            assertEquals(m.bitOffset(), btf.memberBitOffset(id, i));
            assertEquals(m.bitfieldSize(), btf.memberBitfieldSize(id, i));
            assertEquals(m.name(), btf.memberName(id, i));
            assertEquals(m.type(), btf.memberType(id, i));
        }
        assertTrue(s.member("c").isBitfield());
        assertFalse(s.member("d").isBitfield());
        assertNull(s.member("zz"));
    }

    @Test
    void nestedAnonymousMembersAndArraysOfArrays() {
        Composite nested = (Composite) btf.type(id("nested", BtfKind.STRUCT));
        assertFalse(btf.kindFlag(nested.id()));
        List<String> names = new ArrayList<>();
        for (Member m : nested.members()) names.add(m.name());
        assertEquals(List.of("x", "", "u", "matrix", "empty"), names);
        BtfType.Struct anon = assertInstanceOf(BtfType.Struct.class, btf.type(nested.members().get(1).type()));
        assertEquals("", anon.name());
        BtfType.Union inner = assertInstanceOf(BtfType.Union.class, btf.type(anon.members().get(1).type()));
        assertEquals(BtfKind.UNION, inner.kind());
        assertEquals(List.of("z", "w"), inner.members().stream().map(Member::name).toList());
        assertEquals(0, inner.members().get(1).bitOffset(), "union members all start at 0");
        // int matrix[3][4]: ARRAY(3) of ARRAY(4) of int
        BtfType.Array outer = assertInstanceOf(BtfType.Array.class, btf.type(nested.member("matrix").type()));
        assertEquals(3, outer.nelems());
        BtfType.Array row = assertInstanceOf(BtfType.Array.class, btf.type(outer.elemType()));
        assertEquals(4, row.nelems());
        assertEquals(id("int", BtfKind.INT), row.elemType());
        assertEquals("__ARRAY_SIZE_TYPE__", btf.name(row.indexType()));
        assertEquals(48, btf.sizeOf(outer.id()));
        assertEquals(4, btf.alignOf(outer.id()));
        BtfType.Array empty = (BtfType.Array) btf.type(nested.member("empty").type());
        assertEquals(0, empty.nelems());
        assertEquals(0, btf.sizeOf(empty.id()));
        assertEquals(80, btf.sizeOf(nested.id()));
    }

    private static List<Long> values(BtfType t) {
        return ((BtfType.Enum) t).values().stream().map(EnumValue::value).toList();
    }

    @Test
    void enums() {
        BtfType.Enum neg = (BtfType.Enum) btf.type(id("neg", BtfKind.ENUM));
        assertTrue(neg.signed());
        assertFalse(neg.is64());
        assertEquals(BtfKind.ENUM, neg.kind());
        assertEquals(List.of(-5L, 0L, 7L, (long) Integer.MIN_VALUE), values(neg));
        assertEquals(new EnumValue("NEG_MIN", Integer.MIN_VALUE), neg.value("NEG_MIN"));
        BtfType.Enum u32 = (BtfType.Enum) btf.type(id("u32_enum", BtfKind.ENUM));
        assertFalse(u32.signed());
        assertEquals(List.of(0x80000000L, 0xffffffffL), values(u32), "zero-extended");
        BtfType.Enum big = (BtfType.Enum) btf.type(id("big_unsigned", BtfKind.ENUM64));
        assertTrue(big.is64());
        assertFalse(big.signed());
        assertEquals(BtfKind.ENUM64, big.kind());
        assertEquals(8, big.size());
        assertEquals(List.of(0xffffffffffL, 1L, -1L), values(big), "0xffffffffffffffff kept as its bits");
        BtfType.Enum sbig = (BtfType.Enum) btf.type(id("big_signed", BtfKind.ENUM64));
        assertTrue(sbig.signed());
        assertEquals(List.of(-0x100000000L, 3L), values(sbig));
        BtfType.Enum small = (BtfType.Enum) btf.type(id("small_enum", BtfKind.ENUM));
        assertEquals(1, small.size());
        assertEquals(List.of(1L, 255L), values(small));
        assertEquals("SMALL_B", btf.enumName(small.id(), 1));
        assertEquals(255L, btf.enumValue(small.id(), 1));
        assertEquals(-0x100000000L, btf.enumValue(sbig.id(), 0));
        assertEquals(1, btf.alignOf(small.id()));
    }

    @Test
    void forwardsTypedefChainsAndQualifiers() {
        BtfType.Fwd fs = (BtfType.Fwd) btf.type(id("fwd_struct", BtfKind.FWD));
        assertFalse(fs.union());
        assertTrue(((BtfType.Fwd) btf.type(id("fwd_union", BtfKind.FWD))).union());
        // typedef fwd2_t *fwd_ptr_t; typedef fwd_t fwd2_t; typedef struct fwd_struct fwd_t;
        int ptrT = id("fwd_ptr_t", BtfKind.TYPEDEF);
        BtfType.Ptr ptr = assertInstanceOf(BtfType.Ptr.class, btf.type(btf.resolve(ptrT)));
        assertEquals(id("fwd2_t", BtfKind.TYPEDEF), ptr.type());
        assertEquals(fs.id(), btf.resolve(ptr.type()), "fwd2_t -> fwd_t -> struct fwd_struct");
        assertEquals(8, btf.sizeOf(ptrT));
        assertThrows(org.bpf4j.BpfException.class, () -> btf.sizeOf(fs.id()), "a FWD has no size");
        // typedef const volatile int cv_int;
        int cv = id("cv_int", BtfKind.TYPEDEF);
        BtfType.Const c = assertInstanceOf(BtfType.Const.class, btf.type(btf.sizeOrType(cv)));
        BtfType.Volatile v = assertInstanceOf(BtfType.Volatile.class, btf.type(c.type()));
        assertEquals(id("int", BtfKind.INT), v.type());
        assertEquals(v.type(), btf.skipModifiers(c.id()));
        assertEquals(cv, btf.skipModifiers(cv), "skipModifiers stops at a typedef");
        assertEquals(v.type(), btf.resolve(cv));
        assertEquals(4, btf.sizeOf(cv));
        // int *restrict rp;
        Composite everything = (Composite) btf.type(id("everything", BtfKind.STRUCT));
        BtfType.Restrict r = assertInstanceOf(BtfType.Restrict.class, btf.type(everything.member("rp").type()));
        assertInstanceOf(BtfType.Ptr.class, btf.type(r.type()));
        assertEquals(336, everything.size());
        assertEquals(336, btf.sizeOf(everything.id()));
        assertEquals(8, btf.alignOf(everything.id()), "libbpf caps alignment at the pointer size, even for __int128");
    }

    @Test
    void tags() {
        int tagged = id("tagged", BtfKind.STRUCT);
        List<BtfType.DeclTag> decl = new ArrayList<>();
        List<BtfType.TypeTag> typeTags = new ArrayList<>();
        for (int i = 1; i < btf.typeCount(); i++) {
            if (btf.type(i) instanceof BtfType.DeclTag d) decl.add(d);
            if (btf.type(i) instanceof BtfType.TypeTag t) typeTags.add(t);
        }
        assertTrue(decl.contains(new BtfType.DeclTag(id("struct_tag", BtfKind.DECL_TAG), "struct_tag", tagged, -1)));
        assertTrue(decl.contains(new BtfType.DeclTag(id("field_tag", BtfKind.DECL_TAG), "field_tag", tagged, 1)),
                "on member #1 'marked'");
        int helper = id("global_helper", BtfKind.FUNC);
        assertTrue(decl.contains(new BtfType.DeclTag(id("param_tag", BtfKind.DECL_TAG), "param_tag", helper, 0)));
        assertTrue(decl.contains(new BtfType.DeclTag(id("func_tag", BtfKind.DECL_TAG), "func_tag", helper, -1)));
        assertTrue(decl.contains(new BtfType.DeclTag(id("var_tag", BtfKind.DECL_TAG), "var_tag",
                id("data_int", BtfKind.VAR), -1)));
        assertEquals(-1, btf.declTagComponentIdx(id("struct_tag", BtfKind.DECL_TAG)));
        // int __ttag("user") __ttag("rcu") *two_tags: PTR -> TYPE_TAG rcu -> TYPE_TAG user -> int
        Composite t = (Composite) btf.type(tagged);
        BtfType.Ptr p = (BtfType.Ptr) btf.type(t.member("two_tags").type());
        BtfType.TypeTag rcu = (BtfType.TypeTag) btf.type(p.type());
        assertEquals("rcu", rcu.name());
        BtfType.TypeTag user = (BtfType.TypeTag) btf.type(rcu.type());
        assertEquals("user", user.name());
        assertEquals(id("int", BtfKind.INT), btf.skipModifiers(rcu.id()), "TYPE_TAG is a modifier");
        assertEquals(3, typeTags.size());
        assertEquals(3, btf.findAll("user").length + btf.findAll("rcu").length);
    }

    @Test
    void functions() {
        BtfType.Func global = (BtfType.Func) btf.type(id("global_helper", BtfKind.FUNC));
        assertEquals(BtfType.Func.GLOBAL, global.linkage());
        assertEquals(BtfType.Func.GLOBAL, btf.funcLinkage(global.id()));
        BtfType.FuncProto proto = (BtfType.FuncProto) btf.type(global.type());
        // int global_helper(int a, long b)
        assertEquals(id("int", BtfKind.INT), proto.returnType());
        assertEquals(List.of(new BtfType.Param("a", id("int", BtfKind.INT)), new BtfType.Param("b", id("long", BtfKind.INT))),
                proto.params());
        assertFalse(proto.isVarargs());
        assertEquals(BtfType.Func.STATIC, ((BtfType.Func) btf.type(id("static_helper", BtfKind.FUNC))).linkage());
        assertEquals(BtfType.Func.EXTERN, ((BtfType.Func) btf.type(id("bpf_fake_kfunc", BtfKind.FUNC))).linkage());
        // typedef int (*varargs_fn)(int first, ...): names of prototype parameters are not kept
        BtfType.Ptr vp = (BtfType.Ptr) btf.type(btf.sizeOrType(id("varargs_fn", BtfKind.TYPEDEF)));
        BtfType.FuncProto vproto = (BtfType.FuncProto) btf.type(vp.type());
        assertTrue(vproto.isVarargs());
        assertEquals(List.of(new BtfType.Param("", id("int", BtfKind.INT)), new BtfType.Param("", 0)), vproto.params());
        assertEquals(0, btf.paramType(vproto.id(), 1));
        // typedef void (*noargs_fn)(void)
        BtfType.FuncProto none = (BtfType.FuncProto) btf.type(
                ((BtfType.Ptr) btf.type(btf.sizeOrType(id("noargs_fn", BtfKind.TYPEDEF)))).type());
        assertEquals(0, none.returnType());
        assertTrue(none.params().isEmpty());
        assertFalse(none.isVarargs());
        assertThrows(org.bpf4j.BpfException.class, () -> btf.sizeOf(global.id()));
        assertThrows(org.bpf4j.BpfException.class, () -> btf.alignOf(proto.id()));
    }

    @Test
    void dataSectionsAndVariables() {
        BtfType.Datasec data = (BtfType.Datasec) btf.type(id(".data", BtfKind.DATASEC));
        assertEquals(0, data.size(), "clang leaves DATASEC sizes for the loader");
        List<String> vars = new ArrayList<>();
        for (BtfType.VarSecinfo v : data.vars()) {
            BtfType.Var var = (BtfType.Var) btf.type(v.type());
            vars.add(var.name());
            assertEquals(btf.sizeOf(var.type()), v.size(), var.name());
            assertEquals(v.size(), btf.sizeOf(var.id()), "VAR sizes like its type");
        }
        assertEquals(List.of("data_var", "data_int", "static_counter"), vars);
        assertEquals(BtfType.Var.STATIC, ((BtfType.Var) btf.type(id("static_counter", BtfKind.VAR))).linkage());
        assertEquals(BtfType.Var.GLOBAL, btf.varLinkage(id("data_int", BtfKind.VAR)));
        assertEquals(BtfType.Var.EXTERN, btf.varLinkage(id("LINUX_KERNEL_VERSION", BtfKind.VAR)));
        BtfType.Datasec ksyms = (BtfType.Datasec) btf.type(id(".ksyms", BtfKind.DATASEC));
        assertEquals(BtfKind.FUNC, btf.kind(ksyms.vars().get(0).type()), "extern kfuncs sit in .ksyms");
        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(id(".rodata", BtfKind.DATASEC));
        assertEquals(2, btf.vlen(rodata.id()));
        assertEquals(6, btf.datasecVarSize(rodata.id(), 1), "char rodata_str[] = \"hello\"");
        assertEquals(id("rodata_str", BtfKind.VAR), btf.datasecVarType(rodata.id(), 1));
        assertEquals(0, btf.datasecVarOffset(rodata.id(), 1));
        for (String sec : new String[] {".bss", ".kconfig", ".maps", "license"}) id(sec, BtfKind.DATASEC);
        assertEquals(0, btf.sizeOf(data.id()));
    }

    @Test
    void recordsMatchFlyweightAccessorsForEveryType() {
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfType t = btf.type(id);
            assertEquals(id, t.id());
            assertEquals(btf.kind(id), t.kind());
            assertEquals(btf.name(id), t.name());
            assertEquals(btf.kindCode(id), btf.kind(id).code());
            assertEquals(btf.info(id) >>> 24 & 0x1f, btf.kindCode(id));
            assertEquals(btf.nameOffset(id) == 0 ? "" : btf.string(btf.nameOffset(id)), btf.name(id));
            assertEquals(btf.describe(id).startsWith("[" + id + "] " + t.kind()), true);
        }
    }

    @Test
    void missingKernelBtfIsAMissingFeature() {
        org.bpf4j.FeatureNotSupportedException e = assertThrows(org.bpf4j.FeatureNotSupportedException.class,
                () -> KernelBtf.load(java.nio.file.Path.of("/nonexistent/vmlinux")));
        assertEquals("kernel BTF", e.feature());
        assertEquals("kernel BTF is not supported by this kernel: /nonexistent/vmlinux missing; the kernel needs "
                + "CONFIG_DEBUG_INFO_BTF=y (5.2+); pass a BTF file instead", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Btf.kernelModule("../etc"));
        assertThrows(IllegalArgumentException.class, () -> Btf.kernelModule("vmlinux"));
        if (java.nio.file.Files.isReadable(BtfTestSupport.VMLINUX)) {
            org.bpf4j.FeatureNotSupportedException m = assertThrows(org.bpf4j.FeatureNotSupportedException.class,
                    () -> Btf.kernelModule("no_such_module_xyz"));
            assertTrue(m.getMessage().contains("/sys/kernel/btf/no_such_module_xyz missing"), m.getMessage());
        }
    }

    @Test
    void kindCodes() {
        for (BtfKind k : BtfKind.values()) assertSame(k, BtfKind.of(k.code()));
        assertEquals(19, BtfKind.ENUM64.code());
        assertEquals(BtfKind.MAX_CODE, BtfKind.values().length - 1);
        assertThrows(IllegalArgumentException.class, () -> BtfKind.of(20));
        assertEquals("UNKNOWN", BtfKind.UNKN.bpftoolName());
        assertTrue(BtfKind.TYPE_TAG.isModifier());
        assertFalse(BtfKind.TYPEDEF.isModifier());
    }
}
