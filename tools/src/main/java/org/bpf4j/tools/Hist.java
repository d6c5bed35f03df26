package org.bpf4j.tools;

/**
 * The histograms of libbpf-tools' {@code trace_helpers.c}, byte for byte: {@link #log2} as
 * {@code print_log2_hist} and {@link #linear} as {@code print_linear_hist}. Counts are C's
 * {@code unsigned int}, printed with {@code %-8d} as there (so above 2^31 they print negative);
 * 40 stars at the largest count, 20 in the wide layout that slots above 32 need.
 */
final class Hist {
    private Hist() {}

    private static final int STARS_MAX = 40;

    /** {@code print_log2_hist(vals, vals.length, valType)}: slot i counts values in [2^i / 2, 2^(i+1) - 1]. */
    static String log2(int[] vals, String valType) {
        int idxMax = -1;
        long valMax = 0;
        for (int i = 0; i < vals.length; i++) {
            long v = Integer.toUnsignedLong(vals[i]);
            if (v > 0) idxMax = i;
            if (v > valMax) valMax = v;
        }
        if (idxMax < 0) return "";
        boolean narrow = idxMax <= 32;
        StringBuilder sb = new StringBuilder();
        sb.append(" ".repeat(narrow ? 5 : 15));
        left(sb, valType, narrow ? 19 : 29).append(" : count    distribution\n");
        int stars = narrow ? STARS_MAX : STARS_MAX / 2;
        int width = narrow ? 10 : 20;
        for (int i = 0; i <= idxMax; i++) {
            // (1ULL << (i + 1)) >> 1 and (1ULL << (i + 1)) - 1: Java masks the shift count as x86 does
            long low = (1L << (i + 1)) >>> 1;
            long high = (1L << (i + 1)) - 1;
            if (low == high) low -= 1;
            right(sb, Long.toString(low), width).append(" -> ");
            left(sb, Long.toString(high), width).append(" : ");
            left(sb, Integer.toString(vals[i]), 8).append(" |");
            stars(sb, Integer.toUnsignedLong(vals[i]), valMax, stars);
            sb.append("|\n");
        }
        return sb.toString();
    }

    /** {@code print_linear_hist(vals, vals.length, base, step, valType)}: only the slots with a count. */
    static String linear(int[] vals, int base, int step, String valType) {
        int idxMin = -1, idxMax = -1;
        long valMax = 0;
        for (int i = 0; i < vals.length; i++) {
            long v = Integer.toUnsignedLong(vals[i]);
            if (v > 0) {
                idxMax = i;
                if (idxMin < 0) idxMin = i;
            }
            if (v > valMax) valMax = v;
        }
        if (idxMax < 0) return "";
        StringBuilder sb = new StringBuilder("     ");
        left(sb, valType, 13).append(" : count     distribution\n");
        for (int i = idxMin; i <= idxMax; i++) {
            if (vals[i] == 0) continue;
            sb.append("        ");
            left(sb, Integer.toString(base + i * step), 10).append(" : ");
            left(sb, Integer.toString(vals[i]), 8).append(" |");
            stars(sb, Integer.toUnsignedLong(vals[i]), valMax, STARS_MAX);
            sb.append("|\n");
        }
        return sb.toString();
    }

    /** {@code print_stars}: {@code min(val, max) * width / max} stars (in unsigned int), padded, {@code +} past max. */
    static void stars(StringBuilder sb, long val, long valMax, int width) {
        // C multiplies in unsigned int: the product wraps past 2^32
        int numStars = (int) (((Math.min(val, valMax) * width) & 0xffffffffL) / valMax);
        for (int i = 0; i < numStars; i++) sb.append('*');
        for (int i = numStars; i < width; i++) sb.append(' ');
        if (val > valMax) sb.append('+');
    }

    /** The log2 slots as JSON: {@code [{"low":..,"high":..,"count":..},...]} up to the last non-empty one. */
    static String log2Json(int[] vals) {
        int idxMax = -1;
        for (int i = 0; i < vals.length; i++) if (vals[i] != 0) idxMax = i;
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i <= idxMax; i++) {
            long low = i == 0 ? 0 : 1L << i;
            long high = (1L << (i + 1)) - 1;
            if (i > 0) sb.append(',');
            sb.append(new Json().put("low", low).put("high", high).putUnsigned("count", Integer.toUnsignedLong(vals[i])));
        }
        return sb.append(']').toString();
    }

    /** The non-empty linear slots as JSON: {@code [{"value":..,"count":..},...]}. */
    static String linearJson(int[] vals, int base, int step) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < vals.length; i++) {
            if (vals[i] == 0) continue;
            if (sb.length() > 1) sb.append(',');
            sb.append(new Json().put("value", base + (long) i * step).putUnsigned("count", Integer.toUnsignedLong(vals[i])));
        }
        return sb.append(']').toString();
    }

    private static StringBuilder left(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) sb.append(' ');
        return sb;
    }

    private static StringBuilder right(StringBuilder sb, String s, int width) {
        for (int i = s.length(); i < width; i++) sb.append(' ');
        return sb.append(s);
    }
}
