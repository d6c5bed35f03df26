package org.bpf4j.gen;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bpf4j.btf.Btf;

/**
 * The mapping of BTF types to Java types for generated skeletons. See {@link SkeletonGenerator}
 * for the table. Records are made on demand, one per struct or union (named after it, or after
 * the typedef or member that names an anonymous one).
 */
final class JavaTypes {
    /** A Java view of a C type: how it is declared, read, written and laid out. */
    sealed interface JType permits Scalar, Str, Bytes, Arr, Rec, Opaque {
        /** Size in bytes of the C type. */
        long size();

        /** The Java type of a field or variable. */
        String java();

        /** The boxed Java type (for generics). */
        default String boxed() {
            return java();
        }

        /** The C type, for documentation. */
        String c();
    }

    /** Scalar kinds: each with its Java type, boxed type and value layout. */
    enum Kind {
        BOOL("boolean", "Boolean", "JAVA_BYTE", 1),
        S8("byte", "Byte", "JAVA_BYTE", 1),
        U8("int", "Integer", "JAVA_BYTE", 1),
        S16("short", "Short", "JAVA_SHORT_UNALIGNED", 2),
        U16("int", "Integer", "JAVA_SHORT_UNALIGNED", 2),
        I32("int", "Integer", "JAVA_INT_UNALIGNED", 4),
        I64("long", "Long", "JAVA_LONG_UNALIGNED", 8),
        F32("float", "Float", "JAVA_FLOAT_UNALIGNED", 4),
        F64("double", "Double", "JAVA_DOUBLE_UNALIGNED", 8);

        final String java;
        final String boxed;
        final String layout;
        final int size;

        Kind(String java, String boxed, String layout, int size) {
            this.java = java;
            this.boxed = boxed;
            this.layout = layout;
            this.size = size;
        }
    }

    /** An integer, enum, pointer, bool or float. {@code unsigned} matters for documentation and range. */
    record Scalar(Kind kind, boolean unsigned, String c) implements JType {
        public long size() {
            return kind.size;
        }

        public String java() {
            return kind.java;
        }

        public String boxed() {
            return kind.boxed;
        }
    }

    /** A char array holding a NUL-terminated string. */
    record Str(int n, String c) implements JType {
        public long size() {
            return n;
        }

        public String java() {
            return "String";
        }
    }

    /** Bytes kept as they are: u8 arrays, 128-bit integers, long double. */
    record Bytes(int n, String c) implements JType {
        public long size() {
            return n;
        }

        public String java() {
            return "byte[]";
        }
    }

    /** An array of another type (not char, not u8). */
    record Arr(JType elem, int n, String c) implements JType {
        public long size() {
            return elem.size() * n;
        }

        public String java() {
            return elemJava() + "[]";
        }

        /** Arrays keep the element's width: u8 is byte, u16 short, so they hold bit patterns. */
        String elemJava() {
            if (elem instanceof Scalar s) {
                return switch (s.kind()) {
                    case U8 -> "byte";
                    case U16 -> "short";
                    default -> s.java();
                };
            }
            return elem.java();
        }
    }

    /** A struct or union, as a generated record. */
    record Rec(RecordDef def) implements JType {
        public long size() {
            return def.size;
        }

        public String java() {
            return def.javaName;
        }

        public String c() {
            return (def.union ? "union " : "struct ") + def.cName;
        }
    }

    /** Something without a useful Java view (a zero-sized array, a function): skipped in records. */
    record Opaque(long size, String c) implements JType {
        public String java() {
            return "byte[]";
        }
    }

    /** One component of a record: a C member, or a member of an anonymous struct/union member. */
    record Field(String javaName, String cName, JType type, long offset, int bitOffset, int bitSize,
                 boolean encode) {
        boolean bitfield() {
            return bitSize != 0;
        }
    }

    /** A generated record for a struct or union. */
    static final class RecordDef {
        final int btfId;
        final String cName;
        final boolean union;
        final long size;
        final int align;
        String javaName;
        final List<Field> fields = new ArrayList<>();

        RecordDef(int btfId, String cName, boolean union, long size, int align) {
            this.btfId = btfId;
            this.cName = cName;
            this.union = union;
            this.size = size;
            this.align = align;
        }
    }

    /** A named enum whose constants the skeleton lists. */
    record EnumDef(int btfId, String cName, String javaName, Scalar type) {}

    final Btf btf;
    final Map<Integer, RecordDef> records = new LinkedHashMap<>();
    final Map<Integer, EnumDef> enums = new LinkedHashMap<>();
    private final Set<String> takenNames;

    JavaTypes(Btf btf, Set<String> reserved) {
        this.btf = btf;
        this.takenNames = new HashSet<>(reserved);
    }

    /** The Java view of type id (typedefs and modifiers followed). */
    JType map(int id) {
        return map(id, null);
    }

    /**
     * The Java view of type id. {@code nameHint} names an anonymous struct or union (the typedef or
     * member that refers to it).
     */
    JType map(int id, String nameHint) {
        // a typedef's name is a better record name for an anonymous struct
        String hint = nameHint;
        int t = id;
        String cName = cTypeName(id);
        for (int depth = 0; depth < 64; depth++) {
            int k = btf.kindCode(t);
            if (k == TYPEDEF) {
                if (hint == null || hint.equals(nameHint)) hint = stripT(btf.name(t));
                t = btf.sizeOrType(t);
            } else if (k == VOLATILE || k == CONST || k == RESTRICT || k == TYPE_TAG) {
                t = btf.sizeOrType(t);
            } else {
                break;
            }
        }
        int k = btf.kindCode(t);
        switch (k) {
            case UNKN:
                return new Opaque(0, "void");
            case INT: {
                int size = btf.sizeOrType(t);
                int enc = btf.intEncoding(t);
                boolean signed = (enc & 1) != 0;
                if ((enc & 4) != 0 && size == 1) return new Scalar(Kind.BOOL, true, cName);
                return switch (size) {
                    case 1 -> new Scalar(signed ? Kind.S8 : Kind.U8, !signed, cName);
                    case 2 -> new Scalar(signed ? Kind.S16 : Kind.U16, !signed, cName);
                    case 4 -> new Scalar(Kind.I32, !signed, cName);
                    case 8 -> new Scalar(Kind.I64, !signed, cName);
                    default -> new Bytes(size, cName);
                };
            }
            case PTR:
                return new Scalar(Kind.I64, true, cName);
            case ENUM, ENUM64: {
                int size = btf.sizeOrType(t);
                boolean signed = btf.kindFlag(t);
                Scalar s = switch (size) {
                    case 1 -> new Scalar(signed ? Kind.S8 : Kind.U8, !signed, cName);
                    case 2 -> new Scalar(signed ? Kind.S16 : Kind.U16, !signed, cName);
                    case 8 -> new Scalar(Kind.I64, !signed, cName);
                    default -> new Scalar(Kind.I32, !signed, cName);
                };
                if (btf.nameOffset(t) != 0 && btf.vlen(t) > 0 && !enums.containsKey(t)) {
                    enums.put(t, new EnumDef(t, btf.name(t), uniqueName(pascal(btf.name(t))), s));
                }
                return s;
            }
            case FLOAT: {
                int size = btf.sizeOrType(t);
                if (size == 4) return new Scalar(Kind.F32, false, cName);
                if (size == 8) return new Scalar(Kind.F64, false, cName);
                return new Bytes(size, cName);
            }
            case ARRAY: {
                int n = btf.arrayNelems(t);
                if (n <= 0) return new Opaque(0, cName);
                int elem = btf.resolve(btf.arrayType(t));
                int ek = btf.kindCode(elem);
                if (ek == 1 && btf.sizeOrType(elem) == 1) {
                    // char arrays are strings; u8/unsigned char/signed char arrays stay bytes
                    boolean isChar = (btf.intEncoding(elem) & 2) != 0 || btf.name(elem).equals("char");
                    return isChar ? new Str(n, cName) : new Bytes(n, cName);
                }
                JType e = map(btf.arrayType(t), hint);
                if (e.size() == 0 || e instanceof Opaque) return new Opaque(btfSize(t), cName);
                return new Arr(e, n, cName);
            }
            case STRUCT, UNION: {
                RecordDef def = record(t, hint);
                return def == null ? new Opaque(btfSize(t), cName) : new Rec(def);
            }
            default:
                return new Opaque(0, cName);
        }
    }

    private long btfSize(int id) {
        try {
            return btf.sizeOf(id);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The record for struct/union id, made (with its fields) on first use. */
    RecordDef record(int id, String nameHint) {
        RecordDef def = records.get(id);
        if (def != null) return def;
        boolean union = btf.kindCode(id) == UNION;
        String cName = btf.name(id);
        String base = !cName.isEmpty() ? pascal(cName) : nameHint != null ? pascal(nameHint) : "Anon" + id;
        if (base.isEmpty()) base = "Anon" + id;
        int align;
        try {
            align = btf.alignOf(id);
        } catch (RuntimeException e) {
            align = 1;
        }
        def = new RecordDef(id, cName.isEmpty() ? "(anonymous)" : cName, union, btf.sizeOrType(id) & 0xffffffffL, align);
        def.javaName = uniqueName(base);
        records.put(id, def);
        Set<String> fieldNames = new HashSet<>();
        addFields(def, id, 0, def.javaName, fieldNames, true);
        return def;
    }

    private void addFields(RecordDef def, int id, long baseBits, String owner, Set<String> names, boolean encode) {
        boolean union = btf.kindCode(id) == UNION;
        for (int i = 0, n = btf.vlen(id); i < n; i++) {
            String m = btf.memberName(id, i);
            int type = btf.memberType(id, i);
            long bits = baseBits + Integer.toUnsignedLong(btf.memberBitOffset(id, i));
            int bitSize = btf.memberBitfieldSize(id, i);
            // a union's members share their bytes: only the first is written when encoding
            boolean enc = encode && (!union || i == 0);
            if (m.isEmpty()) {
                int r = btf.resolve(type);
                int rk = btf.kindCode(r);
                if (rk == 4 || rk == 5) {
                    // members of an anonymous struct/union member belong to the containing one in C
                    addFields(def, r, bits, owner, names, enc);
                }
                continue;
            }
            JType jt = map(type, owner + pascal(m));
            if (jt instanceof Opaque || jt.size() == 0) continue;
            if (bitSize != 0 && !(jt instanceof Scalar)) continue;
            String jn = camel(m);
            while (names.contains(jn) || RESERVED_COMPONENTS.contains(jn)) jn = jn + "_";
            names.add(jn);
            def.fields.add(new Field(jn, m, jt, bits / 8, (int) (bits % 8), bitSize, enc));
        }
    }

    /** A name for a C type as written, for documentation. */
    String cTypeName(int id) {
        int k = btf.kindCode(id);
        String n = btf.name(id);
        return switch (k) {
            case UNKN -> "void";
            case PTR -> cTypeName(btf.sizeOrType(id)) + " *";
            case ARRAY -> {
                StringBuilder dims = new StringBuilder();
                int t = id;
                while (btf.kindCode(t) == ARRAY) {
                    dims.append('[').append(Integer.toUnsignedString(btf.arrayNelems(t))).append(']');
                    t = btf.arrayType(t);
                }
                yield cTypeName(t) + dims;
            }
            case STRUCT -> "struct " + (n.isEmpty() ? "{...}" : n);
            case UNION -> "union " + (n.isEmpty() ? "{...}" : n);
            case ENUM, ENUM64 -> "enum " + (n.isEmpty() ? "{...}" : n);
            case VOLATILE -> "volatile " + cTypeName(btf.sizeOrType(id));
            case CONST -> "const " + cTypeName(btf.sizeOrType(id));
            case RESTRICT, TYPE_TAG -> cTypeName(btf.sizeOrType(id));
            case FUNC_PROTO -> "function";
            default -> n.isEmpty() ? btf.kind(id).name().toLowerCase(Locale.ROOT) : n;
        };
    }

    String uniqueName(String base) {
        String n = base;
        for (int i = 2; takenNames.contains(n); i++) n = base + i;
        takenNames.add(n);
        return n;
    }

    static String stripT(String name) {
        return name.endsWith("_t") && name.length() > 2 ? name.substring(0, name.length() - 2) : name;
    }

    /** snake_case to PascalCase: "trace_entry" is "TraceEntry". */
    static String pascal(String s) {
        String c = camel(s);
        if (c.isEmpty()) return c;
        String p = Character.toUpperCase(c.charAt(0)) + c.substring(1);
        return p.endsWith("_") && JAVA_KEYWORDS.contains(p.substring(0, p.length() - 1)) ? p.substring(0, p.length() - 1) : p;
    }

    /** snake_case to camelCase, leading underscores dropped, Java keywords suffixed with '_'. */
    static String camel(String s) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                up = b.length() > 0;
                continue;
            }
            if (!Character.isJavaIdentifierPart(c)) {
                up = true;
                continue;
            }
            if (b.length() == 0 && Character.isDigit(c)) b.append('_');
            b.append(up ? Character.toUpperCase(c) : c);
            up = false;
        }
        String r = b.toString();
        if (r.isEmpty()) return "_";
        if (JAVA_KEYWORDS.contains(r)) return r + "_";
        return r;
    }

    /** Record component names that would clash with members every record has. */
    static final Set<String> RESERVED_COMPONENTS = Set.of("hashCode", "toString", "equals", "getClass", "notify",
            "notifyAll", "wait", "clone", "finalize", "BYTES", "LAYOUT", "CODEC");

    static final Set<String> JAVA_KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits",
            "when", "_");
}
