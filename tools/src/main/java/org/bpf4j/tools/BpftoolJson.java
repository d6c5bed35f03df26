package org.bpf4j.tools;

/**
 * JSON written the way bpftool's json_writer writes it, so that {@code -j} output compares equal
 * byte for byte: compact by default ({@code {"id":4,"type":"hash"}}); with {@code -p} a newline
 * and four spaces per level before every member name and closing bracket, but none before array
 * elements. String escapes are bpftool's too, its backslash quirk included (a backslash is written
 * as {@code \n}); a document ends with a newline.
 */
final class BpftoolJson {
    private final StringBuilder out = new StringBuilder();
    private final boolean pretty;
    private int depth;
    private char sep;

    BpftoolJson(boolean pretty) {
        this.pretty = pretty;
    }

    private void separate() {
        if (sep != 0) out.append(sep);
        sep = ',';
    }

    private void newline() {
        if (!pretty) return;
        out.append('\n');
        out.append("    ".repeat(depth));
    }

    private BpftoolJson begin(char c) {
        separate();
        out.append(c);
        depth++;
        sep = 0;
        return this;
    }

    private BpftoolJson end(char c) {
        depth--;
        if (sep != 0) newline();
        out.append(c);
        sep = ',';
        return this;
    }

    BpftoolJson startObject() {
        return begin('{');
    }

    BpftoolJson endObject() {
        return end('}');
    }

    BpftoolJson startArray() {
        return begin('[');
    }

    BpftoolJson endArray() {
        return end(']');
    }

    BpftoolJson name(String name) {
        separate();
        newline();
        sep = 0;
        quote(name);
        out.append(':');
        if (pretty) out.append(' ');
        return this;
    }

    /** A value written as is (a number, true/false, or text already quoted). */
    BpftoolJson raw(String value) {
        separate();
        out.append(value);
        return this;
    }

    BpftoolJson value(long v) {
        return raw(Long.toString(v));
    }

    BpftoolJson unsigned(long v) {
        return raw(Long.toUnsignedString(v));
    }

    BpftoolJson value(boolean v) {
        return raw(v ? "true" : "false");
    }

    BpftoolJson value(String s) {
        separate();
        quote(s);
        return this;
    }

    BpftoolJson field(String name, long v) {
        return name(name).value(v);
    }

    BpftoolJson field(String name, String v) {
        return name(name).value(v);
    }

    BpftoolJson field(String name, boolean v) {
        return name(name).value(v);
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n', '\\' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '\b' -> out.append("\\b");
                case '"' -> out.append("\\\"");
                case '\'' -> out.append("\\'");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    /** The document, with bpftool's final newline. */
    String finish() {
        return out.append('\n').toString();
    }
}
