package org.bpf4j.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.bpf4j.map.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated skeleton of core/src/test/bpf/skel/skel_demo.bpf.c compiles with javac and reads
 * and writes the C layout exactly: records are checked byte for byte against a C program (built
 * with the host compiler from the object's own BTF, through {@link BtfCDumper}) that fills the
 * same structs; global variables are read and written through the spec (no kernel needed).
 */
class SkeletonGeneratorTest {
    static Path work;
    static Path object;
    static ClassLoader loader;
    static Class<?> skeleton;
    static String source;

    static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(SkeletonGeneratorTest.class.getResource("/fixtures/" + name),
                    "missing fixture " + name + " (scripts/build-btfdump-fixtures)").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    static void generateAndCompile() throws Exception {
        work = Files.createTempDirectory("skel");
        object = fixture("skel/skel_demo.bpf.o");
        ObjectSpec spec = ObjectSpec.read(object);
        Path src = work.resolve("src");
        Path file = SkeletonGenerator.write(spec, "gen.demo", "SkelDemoSkeleton", "skel_demo.bpf.o", src);
        assertEquals(src.resolve("gen/demo/SkelDemoSkeleton.java"), file);
        source = Files.readString(file);
        Path classes = work.resolve("classes");
        compile(List.of(file), classes);
        // the object as the resource the skeleton opens
        Files.copy(object, classes.resolve("gen/demo/skel_demo.bpf.o"));
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, SkeletonGeneratorTest.class.getClassLoader());
        skeleton = loader.loadClass("gen.demo.SkelDemoSkeleton");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) return;
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(p);
        }
    }

    /** javac (this JDK's, release 25) with every lint warning an error. */
    static void compile(List<Path> sources, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("--release", "25", "-Xlint:all", "-Werror", "-proc:none",
                "-cp", System.getProperty("java.class.path"), "-d", out.toString()));
        for (Path p : sources) args.add(p.toString());
        StringWriter log = new StringWriter();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(new String[0]));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8) + log);
    }

    static Class<?> nested(String name) throws ClassNotFoundException {
        return loader.loadClass("gen.demo.SkelDemoSkeleton$" + name);
    }

    @SuppressWarnings("unchecked")
    static Codec<Object> codec(String record) throws Exception {
        return (Codec<Object>) nested(record).getField("CODEC").get(null);
    }

    static Object get(Object target, String accessor) throws Exception {
        Method m = target.getClass().getMethod(accessor);
        return m.invoke(target);
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void plainJavaWithoutReflection() {
        for (String s : List.of("java.lang.reflect", "getMethod", "Class.forName", "getDeclared", "MethodHandles")) {
            assertFalse(source.contains(s), s);
        }
        assertTrue(source.startsWith("// Generated by bpf4j gen skeleton from skel_demo.bpf.o."));
    }

    @Test
    void recordsForTheObjectsOwnTypesOnly() {
        Set<String> names = new HashSet<>(SkeletonGenerator.recordNames(ObjectSpec.read(object)).values());
        assertEquals(Set.of("Event", "Ids", "EventU", "EventUHalves", "FlowKey", "Stats", "LpmKey", "Config"), names);
        assertTrue(source.contains("public static final class EventKind {"));
        assertTrue(source.contains("public static final int KIND_BIG = 2147483647;"));
        assertTrue(source.contains("public static final class SmallKind {"));
    }

    @Test
    void accessorsHaveTheMappedTypes() throws Exception {
        assertEquals("org.bpf4j.map.MapView<gen.demo.SkelDemoSkeleton$FlowKey, gen.demo.SkelDemoSkeleton$Stats>",
                skeleton.getMethod("flows").getGenericReturnType().getTypeName());
        assertEquals("org.bpf4j.map.MapView<java.lang.Integer, java.lang.Long>",
                skeleton.getMethod("counters").getGenericReturnType().getTypeName());
        assertEquals("org.bpf4j.map.PerCpuView<java.lang.Integer, gen.demo.SkelDemoSkeleton$Stats>",
                skeleton.getMethod("percpuStats").getGenericReturnType().getTypeName());
        assertEquals("org.bpf4j.map.MapView<gen.demo.SkelDemoSkeleton$LpmKey, java.lang.Integer>",
                skeleton.getMethod("prefixes").getGenericReturnType().getTypeName());
        assertEquals("org.bpf4j.map.MapView<java.lang.Integer, java.lang.Boolean>",
                skeleton.getMethod("flagsByPid").getGenericReturnType().getTypeName());
        assertEquals("org.bpf4j.BpfMap", skeleton.getMethod("events").getReturnType().getName());
        assertEquals("org.bpf4j.BpfMap", skeleton.getMethod("perfEvents").getReturnType().getName());
        assertEquals("org.bpf4j.BpfProgram", skeleton.getMethod("onEnter").getReturnType().getName());
        assertEquals("org.bpf4j.ProgramSpec", skeleton.getMethod("countPacketsSpec").getReturnType().getName());
        assertTrue(skeleton.getMethod("flows").getGenericReturnType() instanceof ParameterizedType);
        Class<?> event = nested("Event");
        assertTrue(event.isRecord());
        List<String> comps = new ArrayList<>();
        for (var c : event.getRecordComponents()) comps.add(c.getType().getSimpleName() + " " + c.getName());
        assertEquals(List.of("long ts", "Ids ids", "int ppid", "byte s8v", "int u8v", "short s16v", "int u16v",
                "boolean flag", "int kind", "int small", "String comm", "byte[] raw", "int bitsA", "int bitsB",
                "int bitsC", "long bitsWide", "int asU32", "byte[] asBytes", "EventU u", "Ids[] pair", "int[][] grid",
                "long ptr", "float ratio", "double precise"), comps);
        assertEquals(144L, event.getField("BYTES").get(null));
        MemoryLayout layout = (MemoryLayout) event.getField("LAYOUT").get(null);
        assertEquals(144, layout.byteSize());
        assertEquals(8, layout.byteAlignment());
        assertEquals(96, layout.byteOffset(MemoryLayout.PathElement.groupElement("grid")));
        assertEquals(33, layout.byteOffset(MemoryLayout.PathElement.groupElement("comm")));
        Btf btf = Btf.read(object);
        int ev = btf.find("event", org.bpf4j.btf.BtfKind.STRUCT);
        for (int i = 0; i < btf.vlen(ev); i++) {
            String m = btf.memberName(ev, i);
            if (m.isEmpty() || btf.memberBitfieldSize(ev, i) != 0) continue;
            assertEquals(btf.memberBitOffset(ev, i) / 8, layout.byteOffset(MemoryLayout.PathElement.groupElement(m)), m);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Byte for byte against C

    /** The C program: fills structs with known values and writes their bytes, in order, to stdout. */
    static final String ORACLE = """
            #define BPF_NO_PRESERVE_ACCESS_INDEX
            #include "types.h"
            void *memset(void *, int, unsigned long);
            char *strcpy(char *, const char *);
            long write(int, const void *, unsigned long);
            static void out(const void *p, unsigned long n) { write(1, p, n); }
            int main(void)
            {
            	struct event e;
            	struct flow_key k;
            	struct stats s;
            	struct config c;
            	struct lpm_key l;

            	memset(&e, 0, sizeof(e));
            	e.ts = 0x1122334455667788ULL;
            	e.ids.pid = 4242;
            	e.ids.tgid = 4343;
            	e.ppid = -7;
            	e.s8v = -5;
            	e.u8v = 250;
            	e.s16v = -300;
            	e.u16v = 65000;
            	e.flag = 1;
            	e.kind = KIND_OPEN;
            	e.small = SMALL_ONE;
            	strcpy(e.comm, "bash");
            	e.raw[0] = 1; e.raw[1] = 2; e.raw[2] = 3; e.raw[3] = 255;
            	e.bits_a = 5;
            	e.bits_b = -3;
            	e.bits_c = 0xabcdef;
            	e.bits_wide = 0xfedcba9876ULL;
            	e.as_u32 = 0xdeadbeef;
            	e.u.halves.lo = 1;
            	e.u.halves.hi = 2;
            	e.pair[0].pid = 8;
            	e.pair[1].pid = 9;
            	e.pair[1].tgid = 10;
            	e.grid[0][0] = 1;
            	e.grid[1][2] = -42;
            	e.ptr = (void *)0x1000;
            	e.ratio = 0.5f;
            	e.precise = 3.25;
            	out(&e, sizeof(e));

            	memset(&k, 0, sizeof(k));
            	k.saddr = 0x0100007f;
            	k.daddr = 0x0200007f;
            	k.sport = 443;
            	k.dport = 51000;
            	k.proto = 6;
            	out(&k, sizeof(k));

            	memset(&s, 0, sizeof(s));
            	s.packets = 3;
            	s.bytes = 1500;
            	s.delta = -1;
            	s.hist[3] = 65535;
            	out(&s, sizeof(s));

            	memset(&c, 0, sizeof(c));
            	c.level = 200;
            	c.port = 65535;
            	c.limit = 0xffffffffffffffffULL;
            	strcpy(c.name, "seven77");
            	out(&c, sizeof(c));

            	memset(&l, 0, sizeof(l));
            	l.prefixlen = 24;
            	l.addr[0] = 10; l.addr[1] = 0; l.addr[2] = 0; l.addr[3] = 1;
            	out(&l, sizeof(l));
            	return 0;
            }
            """;

    static byte[] cBytes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no host C compiler");
        Path dir = work.resolve("oracle");
        Files.createDirectories(dir);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        BtfCDumper.dumpVmlinuxH(Btf.read(object), h);
        Files.write(dir.resolve("types.h"), h.toByteArray());
        Files.writeString(dir.resolve("oracle.c"), ORACLE);
        Process cc = new ProcessBuilder("/usr/bin/cc", "-O0", "-Wall", "-Werror", "-Wno-attributes", "oracle.c", "-o", "oracle")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, cc.exitValue(), log);
        Process run = new ProcessBuilder(dir.resolve("oracle").toString()).start();
        byte[] out = run.getInputStream().readAllBytes();
        assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, run.exitValue());
        return out;
    }

    @Test
    void recordsReadAndWriteTheBytesCWrites() throws Exception {
        byte[] c = cBytes();
        assertEquals(144 + 16 + 32 + 24 + 8, c.length);
        MemorySegment seg = MemorySegment.ofArray(c);

        Object e = codec("Event").decode(seg, 0);
        assertEquals(0x1122334455667788L, get(e, "ts"));
        assertEquals(4242, get(get(e, "ids"), "pid"));
        assertEquals(4343, get(get(e, "ids"), "tgid"));
        assertEquals(-7, get(e, "ppid"));
        assertEquals((byte) -5, get(e, "s8v"));
        assertEquals(250, get(e, "u8v"));
        assertEquals((short) -300, get(e, "s16v"));
        assertEquals(65000, get(e, "u16v"));
        assertEquals(true, get(e, "flag"));
        assertEquals(nested("EventKind").getField("KIND_OPEN").get(null), get(e, "kind"));
        assertEquals(1, get(e, "small"));
        assertEquals("bash", get(e, "comm"));
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 255}, (byte[]) get(e, "raw"));
        assertEquals(5, get(e, "bitsA"));
        assertEquals(-3, get(e, "bitsB"));
        assertEquals(0xabcdef, get(e, "bitsC"));
        assertEquals(0xfedcba9876L, get(e, "bitsWide"));
        assertEquals(0xdeadbeef, get(e, "asU32"));
        assertArrayEquals(new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde}, (byte[]) get(e, "asBytes"));
        Object u = get(e, "u");
        assertEquals(2L << 32 | 1, get(u, "addr"));
        assertEquals(1, get(get(u, "halves"), "lo"));
        assertEquals(2, get(get(u, "halves"), "hi"));
        Object[] pair = (Object[]) get(e, "pair");
        assertEquals(8, get(pair[0], "pid"));
        assertEquals(10, get(pair[1], "tgid"));
        int[][] grid = (int[][]) get(e, "grid");
        assertEquals("[[1, 0, 0], [0, 0, -42]]", Arrays.deepToString(grid));
        assertEquals(0x1000L, get(e, "ptr"));
        assertEquals(0.5f, get(e, "ratio"));
        assertEquals(3.25, get(e, "precise"));
        assertRoundTrip("Event", e, c, 0, 144);

        Object k = codec("FlowKey").decode(seg, 144);
        assertEquals(0x0100007f, get(k, "saddr"));
        assertEquals(443, get(k, "sport"));
        assertEquals(51000, get(k, "dport"));
        assertEquals(6, get(k, "proto"));
        assertRoundTrip("FlowKey", k, c, 144, 16);

        Object s = codec("Stats").decode(seg, 160);
        assertEquals(3L, get(s, "packets"));
        assertEquals(-1L, get(s, "delta"));
        assertArrayEquals(new short[] {0, 0, 0, -1}, (short[]) get(s, "hist"), "u16 arrays keep 16-bit patterns");
        assertRoundTrip("Stats", s, c, 160, 32);

        Object cfg = codec("Config").decode(seg, 192);
        assertEquals(200, get(cfg, "level"));
        assertEquals(65535, get(cfg, "port"));
        assertEquals(-1L, get(cfg, "limit"));
        assertEquals("seven77", get(cfg, "name"));
        assertRoundTrip("Config", cfg, c, 192, 24);

        Object l = codec("LpmKey").decode(seg, 216);
        assertEquals(24, get(l, "prefixlen"));
        assertRoundTrip("LpmKey", l, c, 216, 8);
    }

    /** Encoding the decoded record gives the C bytes back (padding zeroed as C's memset did). */
    static void assertRoundTrip(String record, Object value, byte[] c, int at, int size) throws Exception {
        MemorySegment out = MemorySegment.ofArray(new byte[size + 16]).fill((byte) 0x5a);
        codec(record).encode(value, out, 8);
        assertArrayEquals(Arrays.copyOfRange(c, at, at + size), out.asSlice(8, size).toArray(ValueLayout.JAVA_BYTE), record);
        assertEquals((byte) 0x5a, out.get(ValueLayout.JAVA_BYTE, 7), "nothing before");
        assertEquals((byte) 0x5a, out.get(ValueLayout.JAVA_BYTE, 8 + size), "nothing after");
    }

    @Test
    void encodingChecksSizes() throws Exception {
        Class<?> cfg = nested("Config");
        Object tooLong = cfg.getConstructors()[0].newInstance(1, 2, 3L, "eight888");
        MemorySegment s = MemorySegment.ofArray(new byte[24]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec("Config").encode(tooLong, s, 0));
        assertEquals("Config.name: a string of 8 bytes does not fit char[8]", e.getMessage());
        Class<?> lpm = nested("LpmKey");
        Object shortKey = lpm.getConstructors()[0].newInstance(8, new byte[3]);
        e = assertThrows(IllegalArgumentException.class, () -> codec("LpmKey").encode(shortKey, s, 0));
        assertEquals("LpmKey.addr: need 4 elements, got 3", e.getMessage());
    }

    // ------------------------------------------------------------------------------------------
    // Globals through the spec (before load)

    @Test
    void globalsBeforeLoad() throws Exception {
        Object skel = skeleton.getMethod("open").invoke(null);
        Object rodata = skeleton.getMethod("rodata").invoke(skel);
        Class<?> ro = rodata.getClass();
        assertEquals(0, ro.getMethod("targetPid").invoke(rodata));
        assertEquals("demo", ro.getMethod("label").invoke(rodata));
        assertEquals(false, ro.getMethod("verbose").invoke(rodata));
        assertArrayEquals(new long[] {10, 20, 30}, (long[]) ro.getMethod("thresholds").invoke(rodata));
        assertEquals(1, ro.getMethod("wanted").invoke(rodata));
        Object cfg = ro.getMethod("cfg").invoke(rodata);
        assertEquals(1, get(cfg, "level"));
        assertEquals(8080, get(cfg, "port"));
        assertEquals(1L << 40, get(cfg, "limit"));
        assertEquals("cfg", get(cfg, "name"));

        ro.getMethod("targetPid", int.class).invoke(rodata, 1234);
        ro.getMethod("label", String.class).invoke(rodata, "changed");
        ro.getMethod("verbose", boolean.class).invoke(rodata, true);
        ro.getMethod("thresholds", long[].class).invoke(rodata, (Object) new long[] {1, 2, 3});
        Object newCfg = nested("Config").getConstructors()[0].newInstance(9, 443, 77L, "new");
        ro.getMethod("cfg", nested("Config")).invoke(rodata, newCfg);
        // the values are in the spec that load() would use
        ObjectSpec spec = (ObjectSpec) skeleton.getMethod("spec").invoke(skel);
        assertEquals(1234, spec.rodata().getInt("target_pid"));
        assertEquals(true, spec.rodata().getBoolean("verbose"));
        assertEquals("changed", ro.getMethod("label").invoke(rodata));
        assertEquals(newCfg, ro.getMethod("cfg").invoke(rodata));
        assertArrayEquals(new long[] {1, 2, 3}, (long[]) ro.getMethod("thresholds").invoke(rodata));
        InvocationTargetException ex = assertThrows(InvocationTargetException.class,
                () -> ro.getMethod("label", String.class).invoke(rodata, "0123456789abcdef"));
        assertTrue(ex.getCause() instanceof IllegalArgumentException, ex.getCause().toString());

        Object data = skeleton.getMethod("data").invoke(skel);
        assertEquals(7, data.getClass().getMethod("version").invoke(data));
        assertEquals("hi", data.getClass().getMethod("greeting").invoke(data));
        Object custom = skeleton.getMethod("dataCustom").invoke(skel);
        assertEquals(5L, custom.getClass().getMethod("customCounter").invoke(custom));
        Object bss = skeleton.getMethod("bss").invoke(skel);
        assertEquals(0L, bss.getClass().getMethod("hits").invoke(bss));
        assertArrayEquals(new int[4], (int[]) bss.getClass().getMethod("lastRet").invoke(bss));

        ex = assertThrows(InvocationTargetException.class, () -> skeleton.getMethod("counters").invoke(skel));
        assertEquals("skel_demo.bpf.o is not loaded: call load() first", ex.getCause().getMessage());
        skeleton.getMethod("close").invoke(skel);
    }

    // ------------------------------------------------------------------------------------------
    // Every object fixture: the skeleton compiles

    @Test
    void everyFixtureObjectGivesCompilableJava() throws Exception {
        List<Path> objects = new ArrayList<>();
        Path fixtures = fixture("skel/skel_demo.bpf.o").getParent().getParent();
        try (Stream<Path> s = Files.walk(fixtures)) {
            s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
        }
        assertTrue(objects.size() > 10, objects.toString());
        Path src = work.resolve("all-src");
        List<Path> files = new ArrayList<>();
        Set<String> classNames = new HashSet<>();
        int skipped = 0;
        for (Path o : objects) {
            ObjectSpec spec;
            try {
                spec = ObjectSpec.read(o);
            } catch (RuntimeException e) {
                skipped++; // fixtures of malformed objects
                continue;
            }
            String cls = SkeletonGenerator.className(o.getFileName().toString());
            String pkg = "all.p" + files.size();
            assertTrue(classNames.add(pkg + "." + cls));
            files.add(SkeletonGenerator.write(spec, pkg, cls, o.getFileName().toString(), src));
        }
        assertTrue(files.size() > 10, "generated " + files.size() + ", skipped " + skipped);
        compile(files, work.resolve("all-classes"));
    }

    @Test
    void classNames() {
        assertEquals("SyscountSkeleton", SkeletonGenerator.className("syscount.bpf.o"));
        assertEquals("ObjFullSkeleton", SkeletonGenerator.className("/x/obj_full.o"));
        assertEquals("MySnoopV2Skeleton", SkeletonGenerator.className("my-snoop.v2.bpf.o"));
        assertEquals("MySnoopSkeleton", SkeletonGenerator.className("my_snoop.bpf.o"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SkeletonGenerator.generate(ObjectSpec.read(object), "bad-package", "X", "x.o"));
        assertTrue(e.getMessage().contains("bad Java package name"));
    }
}
