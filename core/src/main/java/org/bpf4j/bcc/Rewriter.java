package org.bpf4j.bcc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns BCC's dialect of C into C that clang compiles for libbpf's conventions, keeping every line
 * where it was: each change stays on its line, so that with a {@code #line 1 "file"} in front,
 * clang's messages point at the user's own file and line.
 *
 * <ul>
 *   <li>{@code m.lookup(k)} and BCC's other map methods on a map declared with a BPF_* macro
 *       become {@code __bcc_lookup(m, k)}, macros of bpf4j's {@code bcc.h};</li>
 *   <li>{@code bpf_trace_printk(fmt, ...)} becomes libbpf's {@code bpf_printk(fmt, ...)};</li>
 *   <li>{@code #include}s of kernel headers ({@code linux/}, {@code uapi/}, {@code asm/},
 *       {@code net/}) are dropped: vmlinux.h has their types;</li>
 *   <li>top-level functions named {@code kprobe__F}, {@code kretprobe__F},
 *       {@code tracepoint__C__E} and {@code raw_tracepoint__E} get the section that attaches them
 *       (a kprobe's extra parameters read the registers, through libbpf's BPF_KPROBE, or a system call's arguments); other
 *       non-static functions taking {@code struct pt_regs *},
 *       {@code struct bpf_raw_tracepoint_args *} or {@code struct tracepoint__C__E *} become
 *       programs attached by name later ({@code BccProgram.kprobe(...)} and friends);</li>
 *   <li>tracepoints used with {@code TRACEPOINT_PROBE(C, E)} or {@code tracepoint__C__E} are
 *       listed, for their {@code struct tracepoint__C__E} to be generated from the format;</li>
 *   <li>a GPL license is added when the source declares none, as BCC does.</li>
 * </ul>
 *
 * Pure text processing: no clang, no kernel.
 */
public final class Rewriter {
    private Rewriter() {}

    /** The methods of BCC's maps that are rewritten. */
    static final Set<String> METHODS = Set.of("lookup", "lookup_or_try_init", "lookup_or_init", "update", "insert",
            "delete", "increment", "atomic_increment", "perf_submit", "ringbuf_output", "ringbuf_reserve",
            "ringbuf_submit", "ringbuf_discard", "get_stackid");

    private static final Pattern MAP_DECL = Pattern.compile(
            "\\bBPF_(HASH|LRU_HASH|PERCPU_HASH|LRU_PERCPU_HASH|ARRAY|PERCPU_ARRAY|HISTOGRAM|PERF_OUTPUT"
                    + "|RINGBUF_OUTPUT|RINGBUF|STACK_TRACE)\\s*\\(\\s*([A-Za-z_]\\w*)");
    private static final Pattern METHOD_CALL = Pattern.compile("\\b([A-Za-z_]\\w*)\\s*\\.\\s*([a-z_]+)\\s*\\(");
    private static final Pattern KERNEL_INCLUDE = Pattern.compile(
            "^\\s*#\\s*include\\s*<(linux|uapi|asm|net|bcc)/[^>]*>.*$", Pattern.MULTILINE);
    private static final Pattern TP_PROBE = Pattern.compile("\\bTRACEPOINT_PROBE\\s*\\(\\s*(\\w+)\\s*,\\s*(\\w+)\\s*\\)");
    private static final Pattern TP_NAME = Pattern.compile("^tracepoint__(\\w+?)__(\\w+)$");
    private static final Pattern PRINTK = Pattern.compile("\\bbpf_trace_printk\\s*\\(");
    private static final Pattern LICENSE = Pattern.compile("SEC\\s*\\(\\s*\"license\"\\s*\\)");

    /**
     * A tracepoint the program uses: {@code category/event}.
     *
     * @param category the tracepoint's category
     * @param event the tracepoint's name
     */
    public record Tracepoint(String category, String event) {
        /**
         * The name of the struct of its fields, {@code tracepoint__C__E}, as BCC names it.
         *
         * @return the struct's name
         */
        public String structName() {
            return "tracepoint__" + category + "__" + event;
        }
    }

    /**
     * The rewritten source (as many lines as the input, plus a license line when it had none),
     * the maps its BPF_* macros declare (name to macro), the tracepoints whose structs it needs,
     * and the programs it defines (function name to section).
     *
     * @param source the rewritten C source
     * @param maps the maps by name, with the macro that declares each
     * @param tracepoints the tracepoints used
     * @param programs the programs by function name, with their sections
     */
    public record Result(String source, Map<String, String> maps, Set<Tracepoint> tracepoints,
                         Map<String, String> programs) {}

    /**
     * Rewrites {@code source}.
     *
     * @param source the BCC-dialect C source
     * @return the rewritten source and what it declares
     */
    public static Result rewrite(String source) {
        String code = blankNonCode(source);
        Map<String, String> maps = new LinkedHashMap<>();
        Matcher m = MAP_DECL.matcher(code);
        while (m.find()) maps.put(m.group(2), "BPF_" + m.group(1));

        Set<Tracepoint> tracepoints = new LinkedHashSet<>();
        Map<String, String> programs = new LinkedHashMap<>();
        Matcher tp = TP_PROBE.matcher(code);
        while (tp.find()) {
            Tracepoint t = new Tracepoint(tp.group(1), tp.group(2));
            tracepoints.add(t);
            programs.put(t.structName(), "tracepoint/" + t.category() + "/" + t.event());
        }
        Matcher ts = Pattern.compile("\\bstruct\\s+tracepoint__(\\w+?)__(\\w+)").matcher(code);
        while (ts.find()) tracepoints.add(new Tracepoint(ts.group(1), ts.group(2)));
        Matcher rtp = Pattern.compile("\\bRAW_TRACEPOINT_PROBE\\s*\\(\\s*(\\w+)\\s*\\)").matcher(code);
        while (rtp.find()) programs.put("raw_tracepoint__" + rtp.group(1), "raw_tp/" + rtp.group(1));

        // edits as (start, end, replacement), applied from the end so that offsets stay valid
        List<Edit> edits = new ArrayList<>();
        Matcher inc = KERNEL_INCLUDE.matcher(code);
        while (inc.find()) {
            edits.add(new Edit(inc.start(), inc.end(), "/* bpf4j: " + source.substring(inc.start(), inc.end()).trim()
                    .replace("*/", "* /") + ": in vmlinux.h */"));
        }
        Matcher call = METHOD_CALL.matcher(code);
        while (call.find()) {
            String map = call.group(1), method = call.group(2);
            if (!maps.containsKey(map) || !METHODS.contains(method)) continue;
            String macro = method.equals("lookup_or_init") ? "lookup_or_try_init" : method;
            edits.add(new Edit(call.start(), call.end(), "__bcc_" + macro + "(" + map + ", "));
        }
        Matcher pk = PRINTK.matcher(code);
        while (pk.find()) edits.add(new Edit(pk.start(), pk.end(), "bpf_printk("));
        for (Function f : functions(code)) {
            String section = section(f, tracepoints);
            if (section == null) continue;
            programs.put(f.name, section);
            if (f.hasSection) continue;
            int comma = topLevelComma(code.substring(f.paramsStart + 1, f.paramsEnd));
            if (comma >= 0 && (section.startsWith("kprobe/") || section.startsWith("ksyscall/"))) {
                // int kprobe__f(struct pt_regs *ctx, int a) -> int BPF_KPROBE(kprobe__f, int a): ctx stays named ctx
                String macro = section.startsWith("ksyscall/") ? "__bcc_ksyscall" : "BPF_KPROBE";
                String rest = source.substring(f.paramsStart + 1 + comma + 1, f.paramsEnd);
                edits.add(new Edit(f.nameStart, f.paramsEnd + 1, macro + "(" + f.name + "," + rest + ")"));
            }
            edits.add(new Edit(f.declStart, f.declStart, "SEC(\"" + section + "\") "));
        }
        edits.sort((a, b) -> a.start != b.start ? Integer.compare(b.start, a.start) : Integer.compare(b.end, a.end));
        StringBuilder out = new StringBuilder(source);
        int limit = Integer.MAX_VALUE;
        for (Edit e : edits) {
            if (e.end > limit) continue; // overlapping: keep the later one
            out.replace(e.start, e.end, e.text);
            limit = e.start;
        }
        if (!LICENSE.matcher(code).find()) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') out.append('\n');
            out.append("char _license[] SEC(\"license\") = \"GPL\"; /* bpf4j: BCC's default */\n");
        }
        return new Result(out.toString(), maps, tracepoints, programs);
    }

    private record Edit(int start, int end, String text) {}

    /** The section for a function, or null when it is not a program to attach. */
    private static String section(Function f, Set<Tracepoint> tracepoints) {
        String n = f.name;
        if (f.hasSection) return f.section;
        if (f.isStatic) return null;
        if (n.startsWith("kprobe__") && n.length() > 8) {
            String target = n.substring(8);
            // BCC attaches kprobe__sys_X to the syscall's entry, whatever its prefix (__x64_sys_X)
            return target.startsWith("sys_") ? "ksyscall/" + target.substring(4) : "kprobe/" + target;
        }
        if (n.startsWith("kretprobe__") && n.length() > 11) {
            String target = n.substring(11);
            return target.startsWith("sys_") ? "kretsyscall/" + target.substring(4) : "kretprobe/" + target;
        }
        Matcher tp = TP_NAME.matcher(n);
        if (tp.matches()) {
            Tracepoint t = new Tracepoint(tp.group(1), tp.group(2));
            tracepoints.add(t);
            return "tracepoint/" + t.category() + "/" + t.event();
        }
        if (n.startsWith("raw_tracepoint__") && n.length() > 16) return "raw_tp/" + n.substring(16);
        String firstParam = f.firstParamType;
        if (firstParam.matches("struct\\s+pt_regs\\s*\\*")) return "kprobe";
        if (firstParam.matches("struct\\s+bpf_raw_tracepoint_args\\s*\\*")) return "raw_tp";
        if (firstParam.matches("struct\\s+tracepoint__\\w+\\s*\\*")) return "tracepoint";
        return null;
    }

    private static int topLevelComma(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') depth++;
            else if (c == ')' || c == ']') depth--;
            else if (c == ',' && depth == 0) return i;
        }
        return -1;
    }

    /** A top-level function definition found in the code. */
    private record Function(String name, int declStart, int nameStart, int paramsStart, int paramsEnd,
                            boolean isStatic, boolean hasSection, String section, String firstParamType) {}

    private static final Pattern SEC_IN_DECL = Pattern.compile("SEC\\s*\\(\\s*\"([^\"]*)\"\\s*\\)");

    /**
     * Top-level function definitions: {@code ... NAME ( ... ) {} at brace depth 0. The code has
     * its comments, strings and preprocessor lines blanked, so it only holds C tokens.
     */
    private static List<Function> functions(String code) {
        List<Function> out = new ArrayList<>();
        int depth = 0, declStart = -1;
        int n = code.length();
        for (int i = 0; i < n; i++) {
            char c = code.charAt(i);
            if (depth == 0 && declStart < 0 && !Character.isWhitespace(c) && c != ';' && c != '}') declStart = i;
            if (c == '{') {
                if (depth == 0 && declStart >= 0) {
                    Function f = functionBefore(code, declStart, i);
                    if (f != null) out.add(f);
                }
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) declStart = -1;
            } else if (c == ';' && depth == 0) {
                declStart = -1;
            }
        }
        return out;
    }

    /** The function whose body opens at {@code brace}, when {@code code[declStart, brace)} is {@code ... NAME(...)}. */
    private static Function functionBefore(String code, int declStart, int brace) {
        int j = brace - 1;
        while (j > declStart && Character.isWhitespace(code.charAt(j))) j--;
        if (code.charAt(j) != ')') return null;
        int paramsEnd = j, depth = 0;
        for (; j >= declStart; j--) {
            char c = code.charAt(j);
            if (c == ')') depth++;
            else if (c == '(' && --depth == 0) break;
        }
        if (j < declStart) return null;
        int paramsStart = j;
        j--;
        while (j >= declStart && Character.isWhitespace(code.charAt(j))) j--;
        int nameEnd = j + 1;
        while (j >= declStart && (Character.isLetterOrDigit(code.charAt(j)) || code.charAt(j) == '_')) j--;
        int nameStart = j + 1;
        if (nameStart >= nameEnd) return null;
        String name = code.substring(nameStart, nameEnd);
        String head = code.substring(declStart, nameStart);
        // a macro call like TRACEPOINT_PROBE(a, b) has no type before its name
        String headNoSec = head.replaceAll("SEC\\s*\\(\\s*\"[^\"]*\"\\s*\\)", "");
        if (headNoSec.isBlank() || headNoSec.contains("=") || headNoSec.contains("(")) return null;
        Matcher sec = SEC_IN_DECL.matcher(head);
        boolean hasSection = sec.find();
        String params = code.substring(paramsStart + 1, paramsEnd);
        int comma = topLevelComma(params);
        String first = (comma < 0 ? params : params.substring(0, comma)).trim();
        // the type of the first parameter: all but its name
        String firstType = first.replaceAll("[A-Za-z_]\\w*\\s*$", "").trim();
        boolean isStatic = head.matches("(?s).*\\b(static|inline|__always_inline)\\b.*");
        return new Function(name, declStart, nameStart, paramsStart, paramsEnd, isStatic, hasSection,
                hasSection ? sec.group(1) : null, firstType);
    }

    /**
     * The source with comments, string and character literals and preprocessor lines replaced by
     * spaces (newlines kept), so that offsets match the source and patterns only see code.
     * {@code #include} lines stay, for the include pattern; string contents inside SEC("...") stay.
     */
    static String blankNonCode(String s) {
        StringBuilder b = new StringBuilder(s);
        int n = s.length();
        boolean lineStart = true;
        for (int i = 0; i < n; ) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') b.setCharAt(i++, ' ');
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) if (s.charAt(i) != '\n') b.setCharAt(i, ' ');
            } else if (c == '"' || c == '\'') {
                boolean keep = c == '"' && precededBySec(s, i);
                i++;
                while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        if (!keep) b.setCharAt(i, ' ');
                        i++;
                    }
                    if (!keep) b.setCharAt(i, ' ');
                    i++;
                }
                i++;
            } else if (c == '#' && lineStart) {
                boolean include = s.startsWith("include", skipBlanks(s, i + 1));
                // a directive runs to the end of the line, continued by a backslash
                while (i < n && s.charAt(i) != '\n') {
                    if (s.charAt(i) == '\\' && i + 1 < n && s.charAt(i + 1) == '\n') {
                        if (!include) b.setCharAt(i, ' ');
                        i += 2;
                        continue;
                    }
                    if (!include) b.setCharAt(i, ' ');
                    i++;
                }
            } else {
                if (c == '\n') lineStart = true;
                else if (!Character.isWhitespace(c)) lineStart = false;
                i++;
                continue;
            }
            lineStart = false;
        }
        return b.toString();
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return i;
    }

    private static boolean precededBySec(String s, int quote) {
        int j = quote - 1;
        while (j >= 0 && Character.isWhitespace(s.charAt(j))) j--;
        if (j < 0 || s.charAt(j) != '(') return false;
        j--;
        while (j >= 0 && Character.isWhitespace(s.charAt(j))) j--;
        return j >= 2 && s.startsWith("SEC", j - 2) && (j < 3 || !Character.isLetterOrDigit(s.charAt(j - 3)));
    }
}
