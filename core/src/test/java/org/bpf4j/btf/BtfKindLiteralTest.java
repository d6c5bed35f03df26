package org.bpf4j.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * BTF kind codes are written once, in {@link BtfKind} ({@link BtfKind.Code}): this scans
 * core/src/main (comments and string literals left out) for a kind number anywhere else.
 */
class BtfKindLiteralTest {
    private static final String KIND_EXPR = "(?:\\bk|\\b\\w*[kK]ind|\\b\\w*kindCode\\([^()]*\\))";
    /** {@code k == 4}, {@code kind != 19}, {@code kindCode(id) == 3}, {@code 4 == k}. */
    private static final Pattern COMPARE = Pattern.compile(
            KIND_EXPR + "\\s*[!=]=\\s*\\d+\\b|\\b\\d+\\s*[!=]=\\s*" + KIND_EXPR + "\\b");
    /** A switch on a kind: {@code switch (k)}, {@code switch (btf.kindCode(t))}. */
    private static final Pattern KIND_SWITCH = Pattern.compile("switch\\s*\\(\\s*(?:[\\w.]+\\.)?" + KIND_EXPR + "\\s*\\)");
    private static final Pattern NUMERIC_CASE = Pattern.compile("\\bcase\\s+\\d+\\s*(?:,\\s*\\d+\\s*)*(?:->|:)");
    /** A kind shifted into a type's info word by hand ({@code 15 << 24}). */
    private static final Pattern SHIFTED = Pattern.compile("\\b\\d+\\s*<<\\s*24\\b");
    /** A private copy of the codes ({@code static final int STRUCT = 4}). */
    private static final Pattern COPY = Pattern.compile("\\bfinal\\s+int\\s+[^;]*?\\b(?:UNKN|INT|PTR|ARRAY|STRUCT|UNION|ENUM|FWD|TYPEDEF"
            + "|VOLATILE|CONST|RESTRICT|FUNC|FUNC_PROTO|VAR|DATASEC|FLOAT|DECL_TAG|TYPE_TAG|ENUM64)\\s*=\\s*\\d");

    @Test
    void noKindNumberOutsideBtfKind() throws IOException {
        Path root = Path.of("src/main/java");
        assertTrue(Files.isDirectory(root), "run from core/: " + root.toAbsolutePath());
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (f.endsWith(Path.of("org/bpf4j/btf/BtfKind.java"))) continue;
                for (String hit : scan(Files.readString(f))) found.add(root.relativize(f) + ": " + hit);
            }
        }
        assertEquals(List.of(), found, "BTF kind numbers outside BtfKind (use BtfKind.Code)");
    }

    @Test
    void scannerCatchesKindNumbersAndNothingElse() {
        assertEquals(List.of("k == 4"), scan("if (k == 4) return;"));
        assertEquals(List.of("kind != 19"), scan("boolean b = kind != 19;"));
        assertEquals(List.of("kindCode(id) == 3"), scan("while (btf.kindCode(id) == 3) id++;"));
        assertEquals(List.of("wantKind == 6"), scan("if (wantKind == 6) x();"));
        assertEquals(List.of("case 1, 4, 5 ->"), scan("switch (k) {\n case 1, 4, 5 -> a();\n default -> b(); }"));
        assertEquals(List.of("case 13:"), scan("switch (btf.kindCode(t)) { case 13: a(); }"));
        assertEquals(List.of("15 << 24"), scan("int info = 15 << 24 | 1;"));
        assertEquals(List.of("final int INT = 1"), scan("private static final int INT = 1, STRUCT = 4;"));
        // not kinds: sizes, a nested switch on a size inside a kind switch, named codes, comments, strings
        assertEquals(List.of(), scan("if (size == 4) a(); switch (n) { case 1 -> b(); } final int MAX = 13;"));
        assertEquals(List.of(), scan("switch (k) { case INT -> { switch (size) { case 4 -> c(); } } }"));
        assertEquals(List.of(), scan("if (k == STRUCT || kind == ENUM64) a(); // k == 4\n/* case 1: */ s(\"k == 4\");"));
    }

    /** The kind numbers in one source file. */
    static List<String> scan(String source) {
        String s = stripCommentsAndStrings(source);
        List<String> hits = new ArrayList<>();
        for (Pattern p : List.of(COMPARE, SHIFTED, COPY)) {
            for (Matcher m = p.matcher(s); m.find(); ) hits.add(m.group());
        }
        for (Matcher m = KIND_SWITCH.matcher(s); m.find(); ) {
            int open = s.indexOf('{', m.end());
            if (open < 0) continue;
            int depth = 0;
            for (int i = open; i < s.length(); i++) {
                if (s.charAt(i) == '{') depth++;
                else if (s.charAt(i) == '}' && --depth == 0) {
                    hits.addAll(numericCases(s.substring(open + 1, i)));
                    break;
                }
            }
        }
        return hits;
    }

    /** Numeric case labels of a switch body, nested switches (on something else) left out. */
    private static List<String> numericCases(String body) {
        StringBuilder own = new StringBuilder(body);
        for (Matcher m = Pattern.compile("switch\\s*\\(").matcher(body); m.find(); ) {
            int open = body.indexOf('{', m.end());
            int depth = 0;
            for (int i = open; open >= 0 && i < body.length(); i++) {
                if (body.charAt(i) == '{') depth++;
                else if (body.charAt(i) == '}' && --depth == 0) {
                    for (int j = m.start(); j <= i; j++) own.setCharAt(j, ' ');
                    break;
                }
            }
        }
        List<String> hits = new ArrayList<>();
        for (Matcher m = NUMERIC_CASE.matcher(own); m.find(); ) hits.add(m.group().replaceAll("\\s+", " ").trim());
        return hits;
    }

    private static String stripCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') i++;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (c == '"' || c == '\'') {
                boolean block = s.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : String.valueOf(c);
                i += close.length();
                while (i < s.length() && !s.startsWith(close, i)) i += s.charAt(i) == '\\' ? 2 : 1;
                i += close.length();
                out.append("\"\"");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
