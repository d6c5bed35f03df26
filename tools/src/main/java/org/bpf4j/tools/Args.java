package org.bpf4j.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * A small command line reader with the conventions of libbpf-tools' argp: short options
 * ({@code -p 42}, {@code -p42}, combined flags {@code -Lm}), long options ({@code --pid 42},
 * {@code --pid=42}), and positional arguments. Hand-written to keep start-up fast.
 */
final class Args {
    /** A usage error: the tool prints it with its usage and exits with status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final String[] args;
    private int pos;
    private String pendingShorts;
    private final List<String> positional = new ArrayList<>();

    Args(String[] args, int start) {
        this.args = args;
        this.pos = start;
    }

    /**
     * The next option, normalised to its long name when {@code longNames} maps it (pairs of
     * short, long), or null at the end; positional arguments are collected on the way.
     */
    String next(String... shortLong) {
        if (pendingShorts != null) {
            String o = "-" + pendingShorts.charAt(0);
            pendingShorts = pendingShorts.length() > 1 ? pendingShorts.substring(1) : null;
            return canonical(o, shortLong);
        }
        while (pos < args.length) {
            String a = args[pos++];
            if (a.equals("--")) {
                while (pos < args.length) positional.add(args[pos++]);
                return null;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    inlineValue = a.substring(eq + 1);
                    return canonical(a.substring(0, eq), shortLong);
                }
                return canonical(a, shortLong);
            }
            if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                String o = "-" + a.charAt(1);
                if (a.length() > 2) {
                    String rest = a.substring(2);
                    if (takesValue(o, shortLong)) {
                        inlineValue = rest;
                    } else {
                        pendingShorts = rest;
                    }
                }
                return canonical(o, shortLong);
            }
            positional.add(a);
        }
        return null;
    }

    private String inlineValue;

    private static boolean isNumber(String a) {
        for (int i = 1; i < a.length(); i++) if (!Character.isDigit(a.charAt(i))) return false;
        return true;
    }

    /** Options whose short form takes a value are marked with a trailing '=' in the table. */
    private static boolean takesValue(String shortOpt, String[] table) {
        for (int i = 0; i + 1 < table.length; i += 2) {
            if (table[i].equals(shortOpt)) return table[i + 1].endsWith("=");
        }
        return false;
    }

    private static String canonical(String opt, String[] table) {
        for (int i = 0; i + 1 < table.length; i += 2) {
            String longName = table[i + 1].endsWith("=") ? table[i + 1].substring(0, table[i + 1].length() - 1) : table[i + 1];
            if (table[i].equals(opt) || longName.equals(opt)) return longName;
        }
        throw new UsageException("unrecognized option '" + opt + "'");
    }

    /** The value of the option just returned. */
    String value(String option) {
        if (inlineValue != null) {
            String v = inlineValue;
            inlineValue = null;
            return v;
        }
        if (pos >= args.length) throw new UsageException("option " + option + " requires an argument");
        return args[pos++];
    }

    int intValue(String option, int min, int max) {
        String v = value(option);
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return (int) n;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid " + option.replace("--", "").toUpperCase() + ": " + v);
        }
    }

    List<String> positional() {
        return positional;
    }
}
