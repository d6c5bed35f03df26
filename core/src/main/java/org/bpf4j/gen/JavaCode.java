package org.bpf4j.gen;

/**
 * The text of a generated Java source file: lines indented with tabs, and the escapes that string
 * literals and javadoc text need.
 */
final class JavaCode {
    private StringBuilder out = new StringBuilder(1 << 14);

    /** Appends {@code s} as one line, after {@code indent} tabs. */
    void line(int indent, String s) {
        for (int i = 0; i < indent; i++) out.append('\t');
        out.append(s).append('\n');
    }

    /** Appends text as it is. */
    void append(CharSequence s) {
        out.append(s);
    }

    /** Runs {@code body}, which writes lines, and returns them instead of keeping them here. */
    String capture(Runnable body) {
        StringBuilder saved = out;
        out = new StringBuilder();
        try {
            body.run();
            return out.toString();
        } finally {
            out = saved;
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** {@code s} as a Java string literal, quotes included. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** {@code s} made safe inside a javadoc comment. */
    static String escapeDoc(String s) {
        return s.replace("*/", "*&#47;").replace("{", "&#123;").replace("}", "&#125;").replace("@", "&#64;");
    }
}
