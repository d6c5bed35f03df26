package org.bpf4j.gen;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bpf4j.gen.JavaTypes.Arr;
import org.bpf4j.gen.JavaTypes.Bytes;
import org.bpf4j.gen.JavaTypes.JType;
import org.bpf4j.gen.JavaTypes.Kind;
import org.bpf4j.gen.JavaTypes.Rec;
import org.bpf4j.gen.JavaTypes.Scalar;
import org.bpf4j.gen.JavaTypes.Str;

/**
 * The generated code that reads and writes C values in a skeleton: expressions and statements per
 * Java type, {@code Codec}s for map keys and values, and the static helper methods they call (one
 * per array shape and inline codec, written once, collected in {@link #helperCode()}).
 */
final class SkeletonValues {
    private final JavaCode code;
    private final String className;
    private final Map<String, String> arrayHelpers = new LinkedHashMap<>();
    private final StringBuilder helperCode = new StringBuilder();

    SkeletonValues(JavaCode code, String className) {
        this.code = code;
        this.className = className;
    }

    /** The helper methods and codecs the code written so far needs, to go at the end of the class. */
    CharSequence helperCode() {
        return helperCode;
    }

    private void line(int indent, String s) {
        code.line(indent, s);
    }

    /** A Java expression reading type t from segment s at byte offset o. */
    String decode(JType t, String s, String o) {
        if (t instanceof Scalar sc) {
            return switch (sc.kind()) {
                case BOOL -> "(" + s + ".get(ValueLayout.JAVA_BYTE, " + o + ") != 0)";
                case S8 -> s + ".get(ValueLayout.JAVA_BYTE, " + o + ")";
                case U8 -> "Byte.toUnsignedInt(" + s + ".get(ValueLayout.JAVA_BYTE, " + o + "))";
                case S16 -> s + ".get(ValueLayout.JAVA_SHORT_UNALIGNED, " + o + ")";
                case U16 -> "Short.toUnsignedInt(" + s + ".get(ValueLayout.JAVA_SHORT_UNALIGNED, " + o + "))";
                default -> s + ".get(ValueLayout." + sc.kind().layout + ", " + o + ")";
            };
        }
        if (t instanceof Str st) return "Codecs.string(" + s + ", " + o + ", " + st.n() + ")";
        if (t instanceof Bytes by) return className + ".getBytes(" + s + ", " + o + ", " + by.n() + ")";
        if (t instanceof Rec r) return r.def().javaName + ".CODEC.decode(" + s + ", " + o + ")";
        if (t instanceof Arr a) return className + "." + arrayHelper(a) + "(" + s + ", " + o + ")";
        return "null";
    }

    /** Statements writing value v of type t into segment s at byte offset o. */
    void encode(int indent, JType t, String v, String s, String o, String what) {
        if (t instanceof Scalar sc) {
            switch (sc.kind()) {
                case BOOL -> line(indent, s + ".set(ValueLayout.JAVA_BYTE, " + o + ", (byte) (" + v + " ? 1 : 0));");
                case S8 -> line(indent, s + ".set(ValueLayout.JAVA_BYTE, " + o + ", " + v + ");");
                case U8 -> line(indent, s + ".set(ValueLayout.JAVA_BYTE, " + o + ", (byte) " + v + ");");
                case S16 -> line(indent, s + ".set(ValueLayout.JAVA_SHORT_UNALIGNED, " + o + ", " + v + ");");
                case U16 -> line(indent, s + ".set(ValueLayout.JAVA_SHORT_UNALIGNED, " + o + ", (short) " + v + ");");
                default -> line(indent, s + ".set(ValueLayout." + sc.kind().layout + ", " + o + ", " + v + ");");
            }
        } else if (t instanceof Str st) {
            line(indent, className + ".putString(" + s + ", " + o + ", " + v + ", " + st.n() + ", " + what + ");");
        } else if (t instanceof Bytes by) {
            line(indent, className + ".putBytes(" + s + ", " + o + ", " + v + ", " + by.n() + ", " + what + ");");
        } else if (t instanceof Rec r) {
            line(indent, r.def().javaName + ".CODEC.encode(java.util.Objects.requireNonNull(" + v + ", " + what + "), "
                    + s + ", " + o + ");");
        } else if (t instanceof Arr a) {
            line(indent, className + ".put" + capitalize(arrayHelper(a)) + "(" + s + ", " + o + ", " + v + ", " + what + ");");
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A Codec expression for a map key or value. */
    String codec(JType t) {
        if (t instanceof Scalar sc) {
            switch (sc.kind()) {
                case U8:
                    return "Codecs.U8";
                case S8:
                    return "Codecs.S8";
                case U16:
                    return "Codecs.U16";
                case S16:
                    return "Codecs.S16";
                case I32:
                    return sc.unsigned() ? "Codecs.U32" : "Codecs.S32";
                case I64:
                    return sc.unsigned() ? "Codecs.U64" : "Codecs.S64";
                default:
                    break;
            }
        }
        if (t instanceof Rec r) return r.def().javaName + ".CODEC";
        if (t instanceof Bytes b) return "Codecs.bytes(" + b.n() + ")";
        if (t instanceof Str st) return "Codecs.cString(" + st.n() + ")";
        // booleans, floats, arrays: an inline codec
        String name = "codec" + arrayHelpers.size();
        arrayHelpers.put(name, name);
        String text = code.capture(() -> inlineCodec(t, name)); // first: it may add helpers of its own
        helperCode.append('\n').append(text);
        return name.toUpperCase(Locale.ROOT);
    }

    private void inlineCodec(JType t, String name) {
        line(1, "private static final Codec<" + t.boxed() + "> " + name.toUpperCase(Locale.ROOT) + " = new Codec<>() {");
        line(2, "@Override");
        line(2, "public int size() {");
        line(3, "return " + t.size() + ";");
        line(2, "}");
        line(0, "");
        line(2, "@Override");
        line(2, "public void encode(" + t.boxed() + " v, MemorySegment s, long o) {");
        encode(3, t, "v", "s", "o", "\"value\"");
        line(2, "}");
        line(0, "");
        line(2, "@Override");
        line(2, "public " + t.boxed() + " decode(MemorySegment s, long o) {");
        line(3, "return " + decode(t, "s", "o") + ";");
        line(2, "}");
        line(1, "};");
    }

    /** The name of a generated static method reading array type a (and put... writing it). */
    private String arrayHelper(Arr a) {
        String key = a.java() + "#" + a.n() + "#" + a.elem().size() + "#" + a.elem().java() + "#" + a.elem().c();
        String existing = arrayHelpers.get(key);
        if (existing != null) return existing;
        String name = "array" + arrayHelpers.size();
        arrayHelpers.put(key, name);
        String text = code.capture(() -> arrayMethods(a, name)); // first: nested arrays add their helpers
        helperCode.append('\n').append(text);
        return name;
    }

    private void arrayMethods(Arr a, String name) {
        String jt = a.java();
        String ej = a.elemJava();
        long es = a.elem().size();
        line(1, "private static " + jt + " " + name + "(MemorySegment s, long o) {");
        if (a.elem() instanceof Scalar sc && sc.kind() != Kind.BOOL) {
            String layout = switch (sc.kind()) {
                case S8, U8 -> "JAVA_BYTE";
                case S16, U16 -> "JAVA_SHORT_UNALIGNED";
                default -> sc.kind().layout;
            };
            line(2, ej + "[] a = new " + ej + "[" + a.n() + "];");
            line(2, "MemorySegment.copy(s, ValueLayout." + layout + ", o, a, 0, " + a.n() + ");");
            line(2, "return a;");
            line(1, "}");
            line(0, "");
            line(1, "private static void put" + capitalize(name) + "(MemorySegment s, long o, " + jt + " a, String what) {");
            line(2, className + ".check(a, a == null ? -1 : a.length, " + a.n() + ", what);");
            line(2, "MemorySegment.copy(a, 0, s, ValueLayout." + layout + ", o, " + a.n() + ");");
            line(1, "}");
        } else {
            String elemArray = jt.substring(0, jt.length() - 2);
            String newArray = elemArray.contains("[]")
                    ? elemArray.substring(0, elemArray.indexOf('[')) + "[" + a.n() + "]" + elemArray.substring(elemArray.indexOf('['))
                    : elemArray + "[" + a.n() + "]";
            line(2, jt + " a = new " + newArray + ";");
            line(2, "for (int i = 0; i < " + a.n() + "; i++) a[i] = " + decode(a.elem(), "s", "o + " + es + "L * i") + ";");
            line(2, "return a;");
            line(1, "}");
            line(0, "");
            line(1, "private static void put" + capitalize(name) + "(MemorySegment s, long o, " + jt + " a, String what) {");
            line(2, className + ".check(a, a == null ? -1 : a.length, " + a.n() + ", what);");
            line(2, "for (int i = 0; i < " + a.n() + "; i++) {");
            encode(3, a.elem(), "a[i]", "s", "o + " + es + "L * i", "what");
            line(2, "}");
            line(1, "}");
        }
    }

    /** The static helpers every skeleton has: bytes, strings, bitfields, union padding. */
    void emitHelpers() {
        line(0, "");
        line(1, "private static byte[] getBytes(MemorySegment s, long o, int n) {");
        line(2, "byte[] b = new byte[n];");
        line(2, "MemorySegment.copy(s, ValueLayout.JAVA_BYTE, o, b, 0, n);");
        line(2, "return b;");
        line(1, "}");
        line(0, "");
        line(1, "private static void putBytes(MemorySegment s, long o, byte[] b, int n, String what) {");
        line(2, "check(b, b == null ? -1 : b.length, n, what);");
        line(2, "MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, o, n);");
        line(1, "}");
        line(0, "");
        line(1, "private static void putString(MemorySegment s, long o, String v, int n, String what) {");
        line(2, "byte[] b = v == null ? null : v.getBytes(StandardCharsets.UTF_8);");
        line(2, "if (b == null || b.length >= n) {");
        line(3, "throw new IllegalArgumentException(what + \": \" + (b == null ? \"null\" : \"a string of \" + b.length");
        line(5, "+ \" bytes\") + \" does not fit char[\" + n + \"]\");");
        line(2, "}");
        line(2, "s.asSlice(o, n).fill((byte) 0);");
        line(2, "MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, o, b.length);");
        line(1, "}");
        line(0, "");
        line(1, "private static void check(Object a, int length, int n, String what) {");
        line(2, "if (a == null || length != n) {");
        line(3, "throw new IllegalArgumentException(what + \": need \" + n + \" elements, got \" + (a == null ? \"null\" : length));");
        line(2, "}");
        line(1, "}");
        line(0, "");
        line(1, "/** Reads a bitfield of width bits at bit offset bit of the bytes at o (little-endian). */");
        line(1, "private static long bits(MemorySegment s, long o, int bit, int width, boolean signed) {");
        line(2, "int n = (bit + width + 7) / 8;");
        line(2, "long v = 0;");
        line(2, "for (int i = Math.min(n, 8) - 1; i >= 0; i--) v = v << 8 | (s.get(ValueLayout.JAVA_BYTE, o + i) & 0xffL);");
        line(2, "v >>>= bit;");
        line(2, "if (n > 8) v |= (s.get(ValueLayout.JAVA_BYTE, o + 8) & 0xffL) << (64 - bit);");
        line(2, "if (width < 64) {");
        line(3, "v &= (1L << width) - 1;");
        line(3, "if (signed && (v >>> (width - 1)) != 0) v |= -1L << width;");
        line(2, "}");
        line(2, "return v;");
        line(1, "}");
        line(0, "");
        line(1, "/** Writes a bitfield (other bits of its bytes kept). */");
        line(1, "private static void setBits(MemorySegment s, long o, int bit, int width, long value) {");
        line(2, "for (int i = 0; i < width; i++) {");
        line(3, "int b = bit + i;");
        line(3, "long at = o + b / 8;");
        line(3, "byte old = s.get(ValueLayout.JAVA_BYTE, at);");
        line(3, "int mask = 1 << (b % 8);");
        line(3, "s.set(ValueLayout.JAVA_BYTE, at, (byte) (((value >>> i) & 1) != 0 ? old | mask : old & ~mask));");
        line(2, "}");
        line(1, "}");
        line(0, "");
        line(1, "/** A union layout padded to the C union's size. */");
        line(1, "private static GroupLayout padTo(GroupLayout l, long size) {");
        line(2, "return l.byteSize() >= size ? l : MemoryLayout.structLayout(l.withName(\"members\"),");
        line(4, "MemoryLayout.paddingLayout(size - l.byteSize()));");
        line(1, "}");
    }
}
