package org.bpf4j.gen;

import static org.bpf4j.btf.BtfKind.Code.*;
import static org.bpf4j.gen.JavaCode.escapeDoc;
import static org.bpf4j.gen.JavaCode.quote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bpf4j.GlobalData;
import org.bpf4j.MapSpec;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.ProgramSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfExt;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.gen.JavaTypes.Arr;
import org.bpf4j.gen.JavaTypes.Bytes;
import org.bpf4j.gen.JavaTypes.EnumDef;
import org.bpf4j.gen.JavaTypes.Field;
import org.bpf4j.gen.JavaTypes.JType;
import org.bpf4j.gen.JavaTypes.Kind;
import org.bpf4j.gen.JavaTypes.Opaque;
import org.bpf4j.gen.JavaTypes.Rec;
import org.bpf4j.gen.JavaTypes.RecordDef;
import org.bpf4j.gen.JavaTypes.Scalar;
import org.bpf4j.gen.JavaTypes.Str;

/**
 * Writes a Java skeleton for a BPF object: one plain Java class (no reflection) with
 * <ul>
 * <li>{@code open()} (the object as a class path resource next to the class), {@code load()},
 *     {@code attach()}, {@code close()}: the life cycle of a libbpf skeleton;</li>
 * <li>per program, {@code nameSpec()} (a {@link ProgramSpec}, to change before loading) and
 *     {@code name()} (the loaded {@link org.bpf4j.BpfProgram});</li>
 * <li>per map, {@code nameSpec()} and {@code name()}: a typed {@link org.bpf4j.map.MapView} (or
 *     {@link org.bpf4j.map.PerCpuView}) whose keys and values are Java primitives or records,
 *     or the {@link org.bpf4j.BpfMap} for maps without keys and values (ring buffers, perf event
 *     arrays, program arrays);</li>
 * <li>per global data section ({@code .rodata}, {@code .data}, {@code .bss}, {@code .data.*},
 *     {@code .rodata.*}), an accessor class with a getter and a setter per global variable:
 *     before {@code load()} they read and write the initial values, after it the live
 *     memory-mapped map ({@code .rodata} becomes read-only);</li>
 * <li>a record per struct and union that the object's own data uses (see below), each with its
 *     FFM {@code LAYOUT}, {@code BYTES} and a {@link org.bpf4j.map.Codec} {@code CODEC}; a
 *     class of constants per named enum those use.</li>
 * </ul>
 *
 * <p>Which structs get records: the structs and unions of map keys and values and of global
 * variables (and what they embed), and every other named struct or union in the object's BTF
 * that is not a kernel type. Kernel types are those the programs only reach through CO-RE
 * relocations or as their context argument (such as {@code trace_event_raw_sys_enter}), with
 * everything they refer to. Clang puts a struct into BTF only when something BTF describes uses
 * it, so for an event struct that is only written to a ring or perf buffer, declare a global
 * pointer to it in the C source, as cilium/ebpf's bpf2go asks too:
 * {@code const struct event *unused_event __attribute__((unused));}.
 *
 * <p>Type mapping (C to Java): {@code _Bool} boolean; {@code s8} byte; {@code u8} int
 * (0..255); {@code s16} short; {@code u16} int (0..65535); {@code s32}/{@code u32} int and
 * {@code s64}/{@code u64} long (unsigned values as the same bits: use
 * {@link Integer#toUnsignedLong} / {@link Long#toUnsignedString}); enums as the integer of their
 * size, with a constants class; pointers long; float, double; {@code char[N]} String (NUL-terminated
 * UTF-8, at most N-1 bytes when written); {@code u8[N]}, {@code unsigned char[N]}, 128-bit
 * integers and {@code long double} byte[]; other arrays Java arrays of the element's width
 * ({@code u16[N]} short[], {@code u32[N]} int[], structs records[]); nested structs and unions
 * records; bitfields the type of their base integer. Unions decode every member and encode the
 * first. Zero-length arrays are left out.
 */
public final class SkeletonGenerator {
    /** Names the generated code uses unqualified: no record may take them. */
    private static final Set<String> RESERVED = Set.of("String", "Integer", "Long", "Short", "Byte", "Boolean",
            "Float", "Double", "Object", "Math", "Override", "Record", "System", "Character", "Class", "Void",
            "Number", "Iterable", "Exception", "RuntimeException", "IllegalArgumentException",
            "IllegalStateException", "StandardCharsets", "MemorySegment", "MemoryLayout", "ValueLayout", "StructLayout",
            "GroupLayout", "Arena", "Codec", "Codecs", "MapView", "PerCpuView", "ObjectSpec", "BpfObject", "BpfMap",
            "BpfProgram", "ProgramSpec", "MapSpec", "GlobalData", "LoadOptions", "BpfLink", "List", "Path", "Arrays",
            "Objects", "Generated", "Maps", "Progs");

    private final ObjectSpec spec;
    private final String packageName;
    private final String className;
    private final String resource;
    private final Btf btf;
    private final JavaTypes types;
    private final JavaCode code = new JavaCode();
    private final SkeletonValues values;
    private final SkeletonLayouts layouts;
    private final Set<String> members = new HashSet<>();

    /** The object file's bytes to embed in the class (as libbpf's .skel.h does), or null. */
    private final byte[] embedded;

    /** Ring buffer and perf event array maps by name, to the struct their records are. */
    private final Map<String, String> eventTypes;

    private SkeletonGenerator(ObjectSpec spec, String packageName, String className, String resource, byte[] embedded,
                              Map<String, String> eventTypes) {
        this.embedded = embedded;
        this.eventTypes = eventTypes;
        this.spec = spec;
        this.packageName = packageName;
        this.className = className;
        this.resource = resource;
        this.btf = spec.btf();
        Set<String> reserved = new HashSet<>(RESERVED);
        reserved.add(className);
        for (String section : spec.globals().keySet()) reserved.add(sectionClassName(section));
        this.types = btf == null ? null : new JavaTypes(btf, reserved);
        this.values = new SkeletonValues(code, className);
        this.layouts = types == null ? null : new SkeletonLayouts(btf, types, className);
        members.addAll(List.of("open", "spec", "load", "attach", "object", "loaded", "close", "toString", "hashCode",
                "equals", "getClass", "notify", "notifyAll", "wait"));
    }

    /**
     * The class name for an object file: "syscount.bpf.o" gives "SyscountSkeleton".
     *
     * @param objectFileName the object's file name (a path's directories are ignored)
     * @return the Java class name
     */
    public static String className(String objectFileName) {
        String n = objectFileName;
        int slash = n.lastIndexOf('/');
        if (slash >= 0) n = n.substring(slash + 1);
        for (String ext : new String[] {".bpf.o", ".o"}) {
            if (n.endsWith(ext)) {
                n = n.substring(0, n.length() - ext.length());
                break;
            }
        }
        String p = JavaTypes.pascal(n.replace('-', '_').replace('.', '_'));
        return (p.isEmpty() || p.equals("_") ? "Bpf" : p) + "Skeleton";
    }

    /**
     * The Java source of the skeleton.
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @return the source of the class
     */
    public static String generate(ObjectSpec spec, String packageName, String className, String resource) {
        return generate(spec, packageName, className, resource, null);
    }

    /**
     * The Java source of the skeleton, with the object file embedded when {@code embedded} is not
     * null: {@code open()} then parses the bytes in the class (no class path lookup, which costs
     * milliseconds at start-up), as libbpf's generated {@code .skel.h} embeds its object.
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @param embedded    the object file's bytes to embed, or null (then {@code open()} reads the resource)
     * @return the source of the class
     */
    public static String generate(ObjectSpec spec, String packageName, String className, String resource,
                                  byte[] embedded) {
        return generate(spec, packageName, className, resource, embedded, Map.of());
    }

    /**
     * The Java source of the skeleton, with typed readers: for each ring buffer or perf event
     * array map named in {@code eventTypes}, a method {@code MAP(handler)} that opens a
     * {@code RingBufReader} or {@code PerfBufReader} handing the record of the struct named there
     * (a struct of the object's BTF) to the handler.
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @param embedded    the object file's bytes to embed, or null (then {@code open()} reads the resource)
     * @param eventTypes  ring buffer and perf event array map names, to the struct of their records
     * @return the source of the class
     * @throws IllegalArgumentException for a bad package or class name, a map of {@code eventTypes}
     *         the object lacks or that is no ring buffer or perf event array, or a struct its BTF lacks
     */
    public static String generate(ObjectSpec spec, String packageName, String className, String resource,
                                  byte[] embedded, Map<String, String> eventTypes) {
        if (packageName != null && !packageName.isEmpty() && !packageName.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
            throw new IllegalArgumentException("bad Java package name '" + packageName + "'");
        }
        if (!className.matches("[A-Za-z_$][\\w$]*")) throw new IllegalArgumentException("bad Java class name '" + className + "'");
        for (Map.Entry<String, String> e : eventTypes.entrySet()) {
            MapSpec m = spec.maps().get(e.getKey());
            if (m == null) throw new IllegalArgumentException("no map '" + e.getKey() + "' in " + resource + " for the records of struct " + e.getValue());
            if (m.type() != MapType.RINGBUF && m.type() != MapType.PERF_EVENT_ARRAY) {
                throw new IllegalArgumentException("map '" + e.getKey() + "' of " + resource + " is a " + MapType.describe(m.typeCode())
                        + ", not a ring buffer or perf event array: it has no reader for struct " + e.getValue());
            }
            if (spec.btf() == null || spec.btf().find(e.getValue(), BtfKind.STRUCT) <= 0) {
                throw new IllegalArgumentException("no struct " + e.getValue() + " in the BTF of " + resource
                        + " (for the records of map '" + e.getKey() + "')");
            }
        }
        return new SkeletonGenerator(spec, packageName, className, resource, embedded, eventTypes).generate();
    }

    /**
     * Writes the skeleton to {@code outDir/PACKAGE/CLASS.java} (directories made as needed),
     * leaving a file with the same text untouched.
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @param outDir      the source root the package directories go under
     * @return the file
     */
    public static Path write(ObjectSpec spec, String packageName, String className, String resource, Path outDir) {
        return write(spec, packageName, className, resource, null, outDir);
    }

    /**
     * {@link #write} with the object embedded (see {@link #generate(ObjectSpec, String, String, String, byte[])}).
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @param embedded    the object file's bytes to embed, or null (then {@code open()} reads the resource)
     * @param outDir      the source root the package directories go under
     * @return the file
     */
    public static Path write(ObjectSpec spec, String packageName, String className, String resource, byte[] embedded,
                             Path outDir) {
        return write(spec, packageName, className, resource, embedded, Map.of(), outDir);
    }

    /**
     * {@link #write} with the object embedded and typed readers (see
     * {@link #generate(ObjectSpec, String, String, String, byte[], Map)}).
     *
     * @param spec        the parsed object
     * @param packageName the Java package of the class (null or empty: none)
     * @param className   the class's simple name (see {@link #className})
     * @param resource    the object's class path resource name, relative to the class's package
     *                    (the file name of the object, as bpf4j-maven-plugin packs it)
     * @param embedded    the object file's bytes to embed, or null (then {@code open()} reads the resource)
     * @param eventTypes  ring buffer and perf event array map names, to the struct of their records
     * @param outDir      the source root the package directories go under
     * @return the file
     */
    public static Path write(ObjectSpec spec, String packageName, String className, String resource, byte[] embedded,
                             Map<String, String> eventTypes, Path outDir) {
        String src = generate(spec, packageName, className, resource, embedded, eventTypes);
        Path dir = packageName == null || packageName.isEmpty() ? outDir : outDir.resolve(packageName.replace('.', '/'));
        Path file = dir.resolve(className + ".java");
        try {
            Files.createDirectories(dir);
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(src)) return file;
            Files.writeString(file, src, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    // ------------------------------------------------------------------------------------------

    private record MapInfo(MapSpec spec, String method, JType key, JType value, String view) {}

    private record VarInfo(GlobalData.Variable var, String method, JType type) {}

    private String generate() {
        // what the object holds, with Java names
        List<String[]> progs = new ArrayList<>();
        for (ProgramSpec p : spec.programs().values()) progs.add(new String[] {p.name(), member(JavaTypes.camel(p.name()), "Prog"), p.section()});
        List<MapInfo> maps = new ArrayList<>();
        for (MapSpec m : spec.maps().values()) {
            if (m.kind() != MapSpec.Kind.USER) continue;
            maps.add(mapInfo(m));
        }
        Map<String, List<VarInfo>> sections = new LinkedHashMap<>();
        Map<String, String> sectionClasses = new LinkedHashMap<>();
        Map<String, String> sectionGetters = new LinkedHashMap<>();
        for (Map.Entry<String, GlobalData> e : spec.globals().entrySet()) {
            List<VarInfo> vars = new ArrayList<>();
            Set<String> names = new HashSet<>(Set.of("memory", "data", "section"));
            for (GlobalData.Variable v : e.getValue().variables()) {
                if (v.btfTypeId() < 0 || types == null) continue; // static or hidden: not part of the interface
                JType t = types.map(v.btfTypeId(), JavaTypes.pascal(v.name()));
                if (t instanceof Opaque || t.size() != v.size()) t = new Bytes(v.size(), types.cTypeName(v.btfTypeId()));
                String m = JavaTypes.camel(v.name());
                while (!names.add(m)) m = m + "_";
                vars.add(new VarInfo(v, m, t));
            }
            if (vars.isEmpty()) continue; // nothing of the program's interface (such as .rodata.cst16)
            sections.put(e.getKey(), vars);
            String cls = sectionClassName(e.getKey());
            sectionClasses.put(e.getKey(), cls);
            sectionGetters.put(e.getKey(), member(JavaTypes.camel(cls.substring(0, 1).toLowerCase(Locale.ROOT) + cls.substring(1)), "Section"));
        }
        if (types != null) addOtherRecords();

        line(0, "// Generated by bpf4j gen skeleton from " + resource + ". Do not edit: regenerate.");
        if (packageName != null && !packageName.isEmpty()) line(0, "package " + packageName + ";");
        line(0, "");
        for (String imp : List.of("java.lang.foreign.MemoryLayout", "java.lang.foreign.MemorySegment",
                "java.lang.foreign.StructLayout", "java.lang.foreign.GroupLayout", "java.lang.foreign.ValueLayout",
                "java.nio.charset.StandardCharsets", "java.nio.file.Path", "java.util.List",
                "org.bpf4j.BpfLink", "org.bpf4j.BpfMap", "org.bpf4j.BpfObject", "org.bpf4j.BpfProgram",
                "org.bpf4j.GlobalData", "org.bpf4j.LoadOptions", "org.bpf4j.MapSpec", "org.bpf4j.ObjectSpec",
                "org.bpf4j.ProgramSpec", "org.bpf4j.map.Codec", "org.bpf4j.map.Codecs", "org.bpf4j.map.MapView",
                "org.bpf4j.map.PerCpuView")) {
            line(0, "import " + imp + ";");
        }
        line(0, "");
        line(0, "/**");
        line(0, " * Skeleton of the BPF object {@code " + resource + "}: " + progs.size() + " program(s), " + maps.size()
                + " map(s), " + sections.size() + " global data section(s).");
        line(0, " * <pre>{@code");
        line(0, " * try (" + className + " skel = " + className + ".open()) {");
        line(0, " *     // set .rodata here");
        line(0, " *     skel.load();");
        line(0, " *     skel.attach();");
        line(0, " *     // read maps and globals");
        line(0, " * }");
        line(0, " * }</pre>");
        line(0, " */");
        line(0, "@SuppressWarnings({\"unused\", \"preview\"})");
        line(0, "public final class " + className + " implements AutoCloseable {");
        line(1, "/** The object file, a class path resource in this class's package. */");
        line(1, "public static final String OBJECT_RESOURCE = " + quote(resource) + ";");
        line(0, "");
        line(1, "private final ObjectSpec spec;");
        line(1, "private BpfObject object;");
        line(0, "");
        line(1, "private " + className + "(ObjectSpec spec) {");
        line(2, "this.spec = spec;");
        line(1, "}");
        line(0, "");
        if (embedded != null) {
            line(1, "/** Parses the object embedded in this class (the bytes of {@link #OBJECT_RESOURCE}). */");
            line(1, "public static " + className + " open() {");
            line(2, "return new " + className + "(ObjectSpec.parse(objectBytes(), OBJECT_RESOURCE));");
            line(1, "}");
            line(0, "");
            line(1, "/** The object file's bytes, embedded at build time (each char of the strings is one byte). */");
            line(1, "public static byte[] objectBytes() {");
            line(2, "byte[] out = new byte[" + embedded.length + "];");
            line(2, "int n = 0;");
            line(2, "for (String part : OBJECT) {");
            line(3, "byte[] b = part.getBytes(StandardCharsets.ISO_8859_1);");
            line(3, "System.arraycopy(b, 0, out, n, b.length);");
            line(3, "n += b.length;");
            line(2, "}");
            line(2, "return out;");
            line(1, "}");
            line(0, "");
            line(1, "private static final String[] OBJECT = {");
            int chunk = 16384;
            for (int off = 0; off < embedded.length; off += chunk) {
                StringBuilder lit = new StringBuilder();
                int end = Math.min(embedded.length, off + chunk);
                for (int i = off; i < end; i++) {
                    int b = embedded[i] & 0xff;
                    if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                        lit.append((char) b);
                    } else {
                        lit.append('\\').append((char) ('0' + (b >> 6))).append((char) ('0' + ((b >> 3) & 7)))
                                .append((char) ('0' + (b & 7)));
                    }
                    if (lit.length() > 96 && i + 1 < end) {
                        line(2, "\"" + lit + "\" +");
                        lit.setLength(0);
                    }
                }
                line(2, "\"" + lit + "\",");
            }
            line(1, "};");
        } else {
            line(1, "/** Reads the object from the class path ({@link #OBJECT_RESOURCE} next to this class). */");
            line(1, "public static " + className + " open() {");
            line(2, "return new " + className + "(ObjectSpec.fromResource(" + className + ".class, OBJECT_RESOURCE));");
            line(1, "}");
        }
        line(0, "");
        line(1, "/** Reads the object from a file (built from the same source). */");
        line(1, "public static " + className + " open(Path file) {");
        line(2, "return new " + className + "(ObjectSpec.read(file));");
        line(1, "}");
        line(0, "");
        line(1, "/** The object's spec: change programs, maps and globals here before {@link #load()}. */");
        line(1, "public ObjectSpec spec() {");
        line(2, "return spec;");
        line(1, "}");
        line(0, "");
        line(1, "/** Loads the object into the kernel. */");
        line(1, "public " + className + " load() {");
        line(2, "return load(LoadOptions.defaults());");
        line(1, "}");
        line(0, "");
        line(1, "/** Loads the object into the kernel with options (target BTF, programs, log level). */");
        line(1, "public " + className + " load(LoadOptions options) {");
        line(2, "if (object != null) throw new IllegalStateException(OBJECT_RESOURCE + \" is loaded already\");");
        line(2, "object = spec.load(options);");
        line(2, "return this;");
        line(1, "}");
        line(0, "");
        line(1, "/** True once {@link #load()} succeeded. */");
        line(1, "public boolean loaded() {");
        line(2, "return object != null;");
        line(1, "}");
        line(0, "");
        line(1, "/** The loaded object. */");
        line(1, "public BpfObject object() {");
        line(2, "if (object == null) throw new IllegalStateException(OBJECT_RESOURCE + \" is not loaded: call load() first\");");
        line(2, "return object;");
        line(1, "}");
        line(0, "");
        line(1, "/** Attaches every program whose section says where (as libbpf's skeleton attach). */");
        line(1, "public List<BpfLink> attach() {");
        line(2, "return object().attachAll();");
        line(1, "}");
        line(0, "");
        line(1, "/** Detaches and unloads everything. */");
        line(1, "@Override");
        line(1, "public void close() {");
        line(2, "if (object != null) object.close();");
        line(1, "}");

        // programs
        for (String[] p : progs) {
            line(0, "");
            line(1, "/** Program {@code " + p[0] + "} ({@code SEC(\"" + escapeDoc(p[2]) + "\")}), before loading. */");
            line(1, "public ProgramSpec " + p[1] + "Spec() {");
            line(2, "return spec.program(" + quote(p[0]) + ");");
            line(1, "}");
            line(0, "");
            line(1, "/** Program {@code " + p[0] + "}, loaded. */");
            line(1, "public BpfProgram " + p[1] + "() {");
            line(2, "return object().program(" + quote(p[0]) + ");");
            line(1, "}");
        }

        // maps
        for (MapInfo m : maps) {
            String desc = MapType.describe(m.spec().typeCode()) + ", " + m.spec().maxEntries() + " entries"
                    + (m.key() != null ? ", key " + escapeDoc(m.key().c()) : "")
                    + (m.value() != null ? ", value " + escapeDoc(m.value().c()) : "");
            line(0, "");
            line(1, "/** Map {@code " + m.spec().name() + "} (" + desc + "), before loading. */");
            line(1, "public MapSpec " + m.method() + "Spec() {");
            line(2, "return spec.map(" + quote(m.spec().name()) + ");");
            line(1, "}");
            line(0, "");
            line(1, "/** Map {@code " + m.spec().name() + "} (" + desc + "), loaded. */");
            switch (m.view()) {
                case "view" -> {
                    line(1, "public MapView<" + m.key().boxed() + ", " + m.value().boxed() + "> " + m.method() + "() {");
                    line(2, "return object().map(" + quote(m.spec().name()) + ").view(" + values.codec(m.key()) + ", "
                            + values.codec(m.value()) + ");");
                }
                case "percpu" -> {
                    line(1, "public PerCpuView<" + m.key().boxed() + ", " + m.value().boxed() + "> " + m.method() + "() {");
                    line(2, "return object().map(" + quote(m.spec().name()) + ").perCpuView(" + values.codec(m.key()) + ", "
                            + values.codec(m.value()) + ");");
                }
                default -> {
                    line(1, "public BpfMap " + m.method() + "() {");
                    line(2, "return object().map(" + quote(m.spec().name()) + ");");
                }
            }
            line(1, "}");
            String event = eventTypes.get(m.spec().name());
            if (event == null) continue;
            String rec = types.map(btf.find(event, BtfKind.STRUCT)).java();
            boolean ring = m.spec().type() == MapType.RINGBUF;
            line(0, "");
            line(1, "/**");
            line(1, " * A reader of map {@code " + m.spec().name() + "} (loaded) that hands each record, a {@code struct "
                    + event + "}, to {@code handler}" + (ring ? "" : " with the CPU it came from") + "; poll it, close it.");
            line(1, " */");
            if (ring) {
                line(1, "public org.bpf4j.ringbuf.RingBufReader " + m.method() + "(java.util.function.Consumer<? super " + rec
                        + "> handler) {");
                line(2, "return org.bpf4j.ringbuf.RingBufReader.of(" + m.method() + "(), org.bpf4j.map.RecordDecoder.of(" + rec
                        + ".CODEC), handler);");
            } else {
                line(1, "public org.bpf4j.perf.PerfBufReader " + m.method() + "(java.util.function.ObjIntConsumer<? super " + rec
                        + "> handler) {");
                line(2, "return org.bpf4j.perf.PerfBufReader.builder(" + m.method() + "()).open(org.bpf4j.map.RecordDecoder.of("
                        + rec + ".CODEC), handler);");
            }
            line(1, "}");
        }

        // global data sections
        for (Map.Entry<String, List<VarInfo>> e : sections.entrySet()) {
            String section = e.getKey();
            String cls = sectionClasses.get(section);
            String getter = sectionGetters.get(section);
            boolean ro = section.startsWith(".rodata");
            line(0, "");
            line(1, "/** The variables of {@code " + section + "}" + (ro ? " (set before load(); read-only after)" : "") + ". */");
            line(1, "public " + cls + " " + getter + "() {");
            line(2, "return new " + cls + "();");
            line(1, "}");
            line(0, "");
            line(1, "/** The global variables of {@code " + section + "}: the initial values before load(), the live map after. */");
            line(1, "public final class " + cls + " {");
            line(2, "private " + cls + "() {");
            line(2, "}");
            line(0, "");
            line(2, "/** The section's {@link GlobalData}: the spec's before load(), the loaded object's after. */");
            line(2, "public GlobalData data() {");
            line(3, "return object == null ? spec.globals(" + quote(section) + ") : object.globals(" + quote(section) + ");");
            line(2, "}");
            for (VarInfo v : e.getValue()) {
                String name = v.var().name();
                line(0, "");
                line(2, "/** {@code " + escapeDoc(v.type().c()) + " " + name + "}. */");
                line(2, "public " + v.type().java() + " " + v.method() + "() {");
                line(3, "GlobalData g = data();");
                line(3, "return " + values.decode(v.type(), "g.memory()", "g.variable(" + quote(name) + ").offset()") + ";");
                line(2, "}");
                line(0, "");
                line(2, "/** Sets {@code " + name + "}" + (ro ? " (before load() only)" : "") + ". */");
                line(2, "public " + cls + " " + v.method() + "(" + v.type().java() + " value) {");
                line(3, "MemorySegment tmp = MemorySegment.ofArray(new byte[" + v.var().size() + "]);");
                values.encode(3, v.type(), "value", "tmp", "0", quote(name));
                line(3, "data().set(" + quote(name) + ", tmp.toArray(ValueLayout.JAVA_BYTE));");
                line(3, "return this;");
                line(2, "}");
            }
            line(1, "}");
        }

        // records
        if (types != null) {
            // records can add records (nested types); iterate until stable
            List<RecordDef> done = new ArrayList<>();
            for (int i = 0; i < types.records.size(); i++) {
                RecordDef def = new ArrayList<>(types.records.values()).get(i);
                emitRecord(def);
                done.add(def);
            }
            for (EnumDef en : types.enums.values()) emitEnum(en);
        }

        // helpers
        values.emitHelpers();
        code.append(values.helperCode());
        line(0, "}");
        return code.toString();
    }

    private String member(String base, String suffix) {
        String n = base;
        if (members.contains(n) || RESERVED.contains(n)) n = base + suffix;
        while (members.contains(n)) n = n + "_";
        members.add(n);
        return n;
    }

    private static String sectionClassName(String section) {
        String s = section.startsWith(".") ? section.substring(1) : section;
        String p = JavaTypes.pascal(s.replace('.', '_').replace('-', '_'));
        return p.isEmpty() ? "Section" : p;
    }

    private MapInfo mapInfo(MapSpec m) {
        String method = member(JavaTypes.camel(m.name()), "Map");
        MapType type = m.type();
        JType key = null, value = null;
        if (types != null && m.btfKeyTypeId() > 0) key = types.map(m.btfKeyTypeId(), JavaTypes.pascal(m.name()) + "Key");
        if (types != null && m.btfValueTypeId() > 0) value = types.map(m.btfValueTypeId(), JavaTypes.pascal(m.name()) + "Value");
        if (key != null && (key instanceof Opaque || key.size() != m.keySize())) key = null;
        if (value != null && (value instanceof Opaque || value.size() != m.valueSize())) value = null;
        if (key == null && m.keySize() > 0) key = new Bytes(m.keySize(), m.keySize() + " bytes");
        if (value == null && m.valueSize() > 0) value = new Bytes(m.valueSize(), m.valueSize() + " bytes");
        String view = "raw";
        if (type != null && key != null && value != null) {
            switch (type) {
                case HASH, ARRAY, LRU_HASH, LPM_TRIE -> view = "view";
                case PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH -> view = "percpu";
                default -> {
                }
            }
        }
        return new MapInfo(m, method, key, value, view);
    }

    /**
     * Records for the object's own named structs and unions beyond those of maps and globals:
     * every one that is neither a kernel type (see the class comment) nor a map definition.
     */
    private void addOtherRecords() {
        BitSet kernel = new BitSet();
        BtfExt ext = spec.btfExt();
        if (ext != null) {
            for (List<CoreRelo> relos : ext.coreRelos().values()) {
                for (CoreRelo r : relos) markAll(r.typeId(), kernel);
            }
        }
        for (ProgramSpec p : spec.programs().values()) {
            int f = btf.find(p.name(), BtfKind.FUNC);
            if (f <= 0) continue;
            int proto = btf.sizeOrType(f);
            for (int i = 0; i < btf.vlen(proto); i++) markAll(btf.paramType(proto, i), kernel);
        }
        // map definitions (the anonymous structs of .maps variables) and what only they use
        BitSet mapDefs = new BitSet();
        int maps = btf.find(".maps", BtfKind.DATASEC);
        if (maps > 0) {
            for (int i = 0; i < btf.vlen(maps); i++) {
                int var = btf.datasecVarType(maps, i);
                mapDefs.set(btf.resolve(btf.sizeOrType(var)));
            }
        }
        for (int id = 1; id < btf.typeCount(); id++) {
            int k = btf.kindCode(id);
            if ((k != STRUCT && k != UNION) || btf.nameOffset(id) == 0 || kernel.get(id) || mapDefs.get(id)) continue;
            types.record(id, null);
        }
    }

    /** Marks id and every type it refers to. */
    private void markAll(int id, BitSet seen) {
        List<Integer> stack = new ArrayList<>();
        stack.add(id);
        while (!stack.isEmpty()) {
            int t = stack.remove(stack.size() - 1);
            if (t <= 0 || t >= btf.typeCount() || seen.get(t)) continue;
            seen.set(t);
            int k = btf.kindCode(t);
            switch (k) {
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, VAR, DECL_TAG, TYPE_TAG ->
                        stack.add(btf.sizeOrType(t));
                case ARRAY -> stack.add(btf.arrayType(t));
                case STRUCT, UNION -> {
                    for (int i = 0; i < btf.vlen(t); i++) stack.add(btf.memberType(t, i));
                }
                case FUNC_PROTO -> {
                    stack.add(btf.sizeOrType(t));
                    for (int i = 0; i < btf.vlen(t); i++) stack.add(btf.paramType(t, i));
                }
                default -> {
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Records

    private void emitRecord(RecordDef def) {
        line(0, "");
        line(1, "/**");
        line(1, " * {@code " + (def.union ? "union " : "struct ") + escapeDoc(def.cName) + "} (" + def.size + " bytes"
                + (def.union ? "; encoding writes the first member" : "") + ").");
        for (Field f : def.fields) {
            line(1, " * @param " + f.javaName() + " {@code " + escapeDoc(f.type().c()) + " " + escapeDoc(f.cName())
                    + (f.bitfield() ? ": " + f.bitSize() : "") + "} at byte " + f.offset()
                    + (f.bitfield() || f.bitOffset() != 0 ? " bit " + f.bitOffset() : ""));
        }
        line(1, " */");
        StringBuilder comps = new StringBuilder();
        for (Field f : def.fields) {
            if (comps.length() > 0) comps.append(", ");
            comps.append(f.type().java()).append(' ').append(f.javaName());
        }
        line(1, "public record " + def.javaName + "(" + comps + ") {");
        line(2, "/** The size of the C type. */");
        line(2, "public static final long BYTES = " + def.size + ";");
        line(0, "");
        line(2, "/** The C layout (members by name; bitfields and holes as padding). */");
        line(2, "public static final GroupLayout LAYOUT = " + layouts.layoutOf(def.btfId, 3) + ";");
        line(0, "");
        line(2, "/** Reads and writes this record in C's layout. */");
        line(2, "public static final Codec<" + def.javaName + "> CODEC = new Codec<>() {");
        line(3, "@Override");
        line(3, "public int size() {");
        line(4, "return " + def.size + ";");
        line(3, "}");
        line(0, "");
        line(3, "@Override");
        line(3, "public void encode(" + def.javaName + " v, MemorySegment s, long o) {");
        line(4, "s.asSlice(o, " + def.size + ").fill((byte) 0);");
        for (Field f : def.fields) {
            if (!f.encode()) continue;
            if (f.bitfield()) {
                line(4, className + ".setBits(s, o + " + f.offset() + ", " + f.bitOffset() + ", " + f.bitSize() + ", "
                        + toLong((Scalar) f.type(), "v." + f.javaName() + "()") + ");");
            } else {
                values.encode(4, f.type(), "v." + f.javaName() + "()", "s", "o + " + f.offset(), quote(def.javaName + "." + f.javaName()));
            }
        }
        line(3, "}");
        line(0, "");
        line(3, "@Override");
        line(3, "public " + def.javaName + " decode(MemorySegment s, long o) {");
        StringBuilder args = new StringBuilder();
        for (Field f : def.fields) {
            if (args.length() > 0) args.append(",\n").append("\t\t\t\t\t");
            if (f.bitfield()) {
                Scalar sc = (Scalar) f.type();
                args.append(fromLong(sc, className + ".bits(s, o + " + f.offset() + ", " + f.bitOffset() + ", " + f.bitSize() + ", "
                        + isSignedBits(sc) + ")"));
            } else {
                args.append(values.decode(f.type(), "s", "o + " + f.offset()));
            }
        }
        line(4, "return new " + def.javaName + "(" + args + ");");
        line(3, "}");
        line(2, "};");
        line(0, "");
        line(2, "/** Reads one from {@code s} at byte offset {@code o}. */");
        line(2, "public static " + def.javaName + " read(MemorySegment s, long o) {");
        line(3, "return CODEC.decode(s, o);");
        line(2, "}");
        line(0, "");
        line(2, "/** Writes this at byte offset {@code o} of {@code s}. */");
        line(2, "public void write(MemorySegment s, long o) {");
        line(3, "CODEC.encode(this, s, o);");
        line(2, "}");
        line(1, "}");
    }

    private static boolean isSignedBits(Scalar s) {
        return !s.unsigned() && s.kind() != Kind.BOOL;
    }

    private static String toLong(Scalar s, String expr) {
        return switch (s.kind()) {
            case BOOL -> "(" + expr + " ? 1L : 0L)";
            case F32, F64 -> "0L";
            case I64 -> expr;
            default -> "(long) " + expr;
        };
    }

    private static String fromLong(Scalar s, String expr) {
        return switch (s.kind()) {
            case BOOL -> "(" + expr + " != 0)";
            case S8 -> "(byte) " + expr;
            case S16 -> "(short) " + expr;
            case U8, U16, I32 -> "(int) " + expr;
            case I64 -> expr;
            case F32 -> "0f";
            case F64 -> "0d";
        };
    }

    private void emitEnum(EnumDef en) {
        String javaType = en.type().java().equals("long") ? "long" : en.type().java().equals("byte") ? "byte"
                : en.type().java().equals("short") ? "short" : "int";
        line(0, "");
        line(1, "/** The constants of {@code enum " + escapeDoc(en.cName()) + "} (" + en.type().size() + " bytes). */");
        line(1, "public static final class " + en.javaName() + " {");
        line(2, "private " + en.javaName() + "() {");
        line(2, "}");
        Set<String> names = new HashSet<>();
        boolean is64 = btf.kindCode(en.btfId()) == 19;
        for (int i = 0; i < btf.vlen(en.btfId()); i++) {
            String n = btf.enumName(en.btfId(), i);
            String jn = n.isEmpty() || !Character.isJavaIdentifierStart(n.charAt(0)) ? "_" + n : n;
            if (JavaTypes.JAVA_KEYWORDS.contains(jn)) jn = jn + "_";
            while (!names.add(jn)) jn = jn + "_";
            long v = btf.enumValue(en.btfId(), i);
            String lit = switch (javaType) {
                case "long" -> v + "L";
                case "byte" -> "(byte) " + v;
                case "short" -> "(short) " + v;
                default -> Integer.toString((int) v);
            };
            line(2, "public static final " + javaType + " " + jn + " = " + lit + ";" + (is64 || v == (int) v ? "" : " // " + Long.toUnsignedString(v)));
        }
        line(1, "}");
    }

    // ------------------------------------------------------------------------------------------

    private void line(int indent, String s) {
        code.line(indent, s);
    }

    /** For tests: which struct/union ids got records, with their Java names. */
    static Map<Integer, String> recordNames(ObjectSpec spec) {
        SkeletonGenerator g = new SkeletonGenerator(spec, "p", "X", "x.o", null, Map.of());
        g.generate();
        Map<Integer, String> m = new HashMap<>();
        for (RecordDef d : g.types.records.values()) m.put(d.btfId, d.javaName);
        return m;
    }
}
