package org.bpf4j.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool's option table and what glibc's argp makes of it, as libbpf-tools use it: the parser
 * (getopt_long's rules: {@code -p1}, {@code -p 1}, {@code --pid=1}, {@code --pid 1}, bundled
 * flags {@code -mT}, unique prefixes of long names, options and operands in any order,
 * {@code --} ends the options), the {@code --help} text in argp's layout (options sorted as
 * argp sorts them, descriptions from column 29, wrapped before column 80) and argp's usage
 * errors, exit status 64 ({@code EX_USAGE}).
 */
final class Argp {
    /** argp's exit status for a usage error ({@code EX_USAGE}). */
    static final int EX_USAGE = 64;

    /**
     * One {@code struct argp_option}: {@code key} is the short option (0 for a long-only one),
     * {@code arg} the argument's name (null for a flag); a hidden option parses but is not listed.
     */
    record Opt(char key, String name, String arg, String doc, boolean hidden) {
        Opt(char key, String name, String arg, String doc) {
            this(key, name, arg, doc, false);
        }

        /** The name a parsed value is found under: the short key, or the long name without one. */
        String id() {
            return key != 0 ? String.valueOf(key) : name;
        }
    }

    /** A usage error: {@code message} (null for getopt's own, already in it) then argp's hint. */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** Whether argp_usage's short usage line comes before the hint (a tool's own check). */
        final boolean usageLine;

        UsageError(String message, boolean usageLine) {
            super(message);
            this.usageLine = usageLine;
        }
    }

    /** A tool's own check of a value, as libbpf-tools report it ({@code argp_usage}). */
    static UsageError invalid(String message) {
        return new UsageError(message, true);
    }

    /** The options every tool has after its own: bpf4j's --json, then argp's help group. */
    static final Opt JSON = new Opt('\0', "json", null, "Print one JSON object per line (NDJSON)");
    static final Opt VERBOSE = new Opt('v', "verbose", null, "Verbose debug output");
    private static final List<Opt> HELP_GROUP = List.of(
            new Opt('?', "help", null, "Give this help list"),
            new Opt('\0', "usage", null, "Give a short usage message"),
            new Opt('V', "version", null, "Print program version"));
    private static final Opt HIDDEN_HELP = new Opt('h', null, null, "Show the full help", true);

    private final String program;
    private final String doc;
    private final List<Opt> options;

    /**
     * @param program the name in messages ({@code bpf4j biolatency})
     * @param doc the text between the usage line and the options (argp's doc, as printed)
     * @param options the tool's own options; -v, --json and the help group are added
     */
    Argp(String program, String doc, List<Opt> options) {
        this.program = program;
        this.doc = doc;
        List<Opt> all = new ArrayList<>(options);
        all.add(VERBOSE);
        all.add(JSON);
        all.add(HIDDEN_HELP);
        this.options = List.copyOf(all);
    }

    String program() {
        return program;
    }

    /** What the command line said: values by {@link Opt#id()} (the last one of a repeated option wins) and operands. */
    static final class Parsed {
        private final Map<String, String> values = new HashMap<>();
        private final List<String> operands = new ArrayList<>();
        private String help;

        boolean has(String id) {
            return values.containsKey(id);
        }

        /** The option's argument, or null when it was not given. */
        String get(String id) {
            return values.get(id);
        }

        List<String> operands() {
            return operands;
        }

        /** The text to print and exit 0 with, when {@code --help}, {@code -?}, {@code --usage} or {@code -V} was given. */
        String help() {
            return help;
        }

        /** True when {@link #help()} goes to stderr (the hidden {@code -h}, as libbpf-tools' argp_state_help(stderr)). */
        boolean helpToStderr;
    }

    Parsed parse(String[] argv, int start) {
        Parsed p = new Parsed();
        for (int i = start; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--")) {
                for (i++; i < argv.length; i++) p.operands.add(argv[i]);
                break;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
                Opt o = longOption(name);
                String value = null;
                if (o.arg() != null) {
                    if (eq > 0) {
                        value = a.substring(eq + 1);
                    } else if (i + 1 < argv.length) {
                        value = argv[++i];
                    } else {
                        throw getopt("option '--" + o.name() + "' requires an argument");
                    }
                } else if (eq > 0) {
                    throw getopt("option '--" + o.name() + "' doesn't allow an argument");
                }
                if (option(p, o, value)) return p;
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    Opt o = shortOption(c);
                    String value = null;
                    if (o.arg() != null) {
                        if (j + 1 < a.length()) {
                            value = a.substring(j + 1);
                        } else if (i + 1 < argv.length) {
                            value = argv[++i];
                        } else {
                            throw getopt("option requires an argument -- '" + c + "'");
                        }
                        j = a.length();
                    }
                    if (option(p, o, value)) return p;
                }
            } else {
                p.operands.add(a);
            }
        }
        return p;
    }

    /** Records one option; true when it asks for help (parsing stops, as argp exits there). */
    private boolean option(Parsed p, Opt o, String value) {
        if (o == HIDDEN_HELP || o.name() != null && o.name().equals("help") && o.key() == '?') {
            p.help = help();
            p.helpToStderr = o == HIDDEN_HELP;
            return true;
        }
        if (o.key() == '\0' && "usage".equals(o.name())) {
            p.help = usage();
            return true;
        }
        if (o.key() == 'V' && "version".equals(o.name())) {
            p.help = program + " " + Main.version() + "\n";
            return true;
        }
        p.values.put(o.id(), value == null ? "" : value);
        return false;
    }

    private List<Opt> all() {
        List<Opt> all = new ArrayList<>(options);
        all.addAll(HELP_GROUP);
        return all;
    }

    private Opt shortOption(char c) {
        for (Opt o : all()) if (o.key() == c && c != '\0') return o;
        throw getopt("invalid option -- '" + c + "'");
    }

    private Opt longOption(String name) {
        Opt prefixMatch = null;
        List<String> candidates = new ArrayList<>();
        for (Opt o : all()) {
            if (o.name() == null) continue;
            if (o.name().equals(name)) return o;
            if (!name.isEmpty() && o.name().startsWith(name)) {
                if (prefixMatch == null) prefixMatch = o;
                candidates.add("'--" + o.name() + "'");
            }
        }
        if (candidates.size() == 1) return prefixMatch;
        if (candidates.isEmpty()) throw getopt("unrecognized option '--" + name + "'");
        throw getopt("option '--" + name + "' is ambiguous; possibilities: " + String.join(" ", candidates));
    }

    private UsageError getopt(String message) {
        return new UsageError(program + ": " + message, false);
    }

    /** What argp prints after a usage error (to stderr), before exiting with {@link #EX_USAGE}. */
    String errorText(UsageError e) {
        StringBuilder sb = new StringBuilder();
        if (e.getMessage() != null) sb.append(e.getMessage()).append('\n');
        if (e.usageLine) sb.append("Usage: ").append(program).append(" [OPTION...]\n");
        sb.append("Try `").append(program).append(" --help' or `").append(program)
                .append(" --usage' for more information.\n");
        return sb.toString();
    }

    // ---- help, in argp's layout

    private static final int DOC_COLUMN = 29, RIGHT_MARGIN = 79;

    /** The {@code --help} text. */
    String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ").append(program).append(" [OPTION...]\n");
        sb.append(doc);
        if (!doc.endsWith("\n")) sb.append('\n');
        sb.append('\n');
        List<Opt> shown = new ArrayList<>();
        for (Opt o : options) if (!o.hidden()) shown.add(o);
        sortLikeArgp(shown);
        for (Opt o : shown) entry(sb, o);
        for (Opt o : HELP_GROUP) entry(sb, o);
        boolean anyArg = false;
        for (Opt o : options) anyArg |= !o.hidden() && o.arg() != null && o.name() != null;
        if (anyArg) {
            sb.append("\nMandatory or optional arguments to long options are also mandatory or optional\n"
                    + "for any corresponding short options.\n");
        }
        return sb.toString();
    }

    /**
     * argp's order (hol_entry_cmp): by the first short option's letter, or the long name's first
     * letter when there is none, ignoring case but lower case first; two long-only options by
     * name; ties keep the table's order.
     */
    static void sortLikeArgp(List<Opt> opts) {
        opts.sort((a, b) -> {
            if (a.key() == '\0' && b.key() == '\0') return a.name().compareToIgnoreCase(b.name());
            char fa = a.key() != '\0' ? a.key() : a.name().charAt(0);
            char fb = b.key() != '\0' ? b.key() : b.name().charAt(0);
            int lower = Character.toLowerCase(fa) - Character.toLowerCase(fb);
            return lower != 0 ? lower : fb - fa;
        });
    }

    private static void entry(StringBuilder sb, Opt o) {
        StringBuilder h = new StringBuilder("  ");
        if (o.key() != '\0') {
            h.append('-').append(o.key());
            if (o.name() != null) h.append(", ");
            else if (o.arg() != null) h.append(' ').append(o.arg());
        } else {
            h.append("    ");
        }
        if (o.name() != null) {
            h.append("--").append(o.name());
            if (o.arg() != null) h.append('=').append(o.arg());
        }
        sb.append(h);
        int col = h.length();
        // as argp: past the doc column by more than 3, the doc goes on the next line; at it or
        // up to 3 past it, 3 spaces go before it (tcplife's "--remoteport=REMOTEPORT   Comma...")
        if (col > DOC_COLUMN + 3) {
            sb.append('\n').append(" ".repeat(DOC_COLUMN));
        } else if (col >= DOC_COLUMN) {
            sb.append("   ");
            wrap(sb, o.doc(), DOC_COLUMN, col + 3);
            return;
        } else {
            sb.append(" ".repeat(DOC_COLUMN - col));
        }
        wrap(sb, o.doc(), DOC_COLUMN);
    }

    /** Words from {@code column} on, as argp fills them: a line ends before column 80. */
    private static void wrap(StringBuilder sb, String text, int column) {
        wrap(sb, text, column, column);
    }

    /** {@link #wrap(StringBuilder, String, int)} with the first line starting at column {@code start}. */
    private static void wrap(StringBuilder sb, String text, int column, int start) {
        int col = start;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && col + 1 + word.length() > RIGHT_MARGIN) {
                sb.append('\n').append(" ".repeat(column));
                col = column;
                first = true;
            }
            if (!first) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
            first = false;
        }
        sb.append('\n');
    }

    /** The {@code --usage} text: argp's short usage, the flags bundled, then each option with its argument. */
    String usage() {
        List<Opt> opts = new ArrayList<>();
        for (Opt o : options) if (!o.hidden()) opts.add(o);
        opts.addAll(HELP_GROUP);
        StringBuilder flags = new StringBuilder();
        List<String> parts = new ArrayList<>();
        List<Opt> sorted = new ArrayList<>(opts);
        sortLikeArgp(sorted);
        for (Opt o : sorted) if (o.key() != '\0' && o.arg() == null) flags.append(o.key());
        if (!flags.isEmpty()) parts.add("[-" + flags + "]");
        for (Opt o : sorted) if (o.key() != '\0' && o.arg() != null) parts.add("[-" + o.key() + " " + o.arg() + "]");
        for (Opt o : sorted) {
            if (o.name() != null) parts.add("[--" + o.name() + (o.arg() != null ? "=" + o.arg() : "") + "]");
        }
        String lead = "Usage: " + program;
        StringBuilder sb = new StringBuilder(lead);
        int col = sb.length();
        for (String part : parts) {
            if (col + 1 + part.length() > RIGHT_MARGIN) {
                sb.append('\n').append(" ".repeat(lead.length()));
                col = lead.length();
            }
            sb.append(' ').append(part);
            col += 1 + part.length();
        }
        return sb.append('\n').toString();
    }
}
