package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The histogram printers against text written here from trace_helpers.c's format rules. */
class HistTest {
    /** {@code %*lld -> %-*lld : %-8d |STARS|} of one row, the widths of the narrow (10) or wide (20) layout. */
    private static String row(long low, long high, int count, int stars, int width, int starsMax) {
        String l = Long.toString(low), h = Long.toString(high), c = Integer.toString(count);
        return " ".repeat(width - l.length()) + l + " -> " + h + " ".repeat(width - h.length()) + " : " + c
                + " ".repeat(Math.max(0, 8 - c.length())) + " |" + "*".repeat(stars) + " ".repeat(starsMax - stars) + "|\n";
    }

    @Test
    void log2NarrowLayout() {
        int[] slots = new int[27];
        slots[0] = 1;
        slots[3] = 10;
        slots[4] = 3;
        String expected = "     usecs               : count    distribution\n"
                + row(0, 1, 1, 4, 10, 40)          // 1 * 40 / 10
                + row(2, 3, 0, 0, 10, 40)
                + row(4, 7, 0, 0, 10, 40)
                + row(8, 15, 10, 40, 10, 40)
                + row(16, 31, 3, 12, 10, 40);      // 3 * 40 / 10
        assertEquals(expected, Hist.log2(slots, "usecs"));
        // the literal first rows, as libbpf-tools prints them
        assertEquals("         0 -> 1          : 1        |****                                    |",
                Hist.log2(slots, "usecs").split("\n")[1]);
    }

    @Test
    void log2WideLayoutAboveSlot32() {
        int[] slots = new int[40];
        slots[0] = 2;
        slots[33] = 4;
        String out = Hist.log2(slots, "nsecs");
        String[] lines = out.split("\n");
        assertEquals(" ".repeat(15) + "nsecs" + " ".repeat(24) + " : count    distribution", lines[0]);
        assertEquals(35, lines.length, "header and slots 0..33");
        assertEquals(row(0, 1, 2, 10, 20, 20), lines[1] + "\n");           // 20 stars at most: 2 * 20 / 4
        assertEquals(row(8589934592L, 17179869183L, 4, 20, 20, 20), lines[34] + "\n");
    }

    @Test
    void log2EmptyPrintsNothingAndCountsPrintAsCInts() {
        assertEquals("", Hist.log2(new int[27], "usecs"));
        // 4294967295 as unsigned int: %-8d prints -1; its stars, 4294967295 * 40 / 4294967295 in
        // unsigned int, wrap to 4294967256 / 4294967295 = 0
        int[] slots = {0, -1};
        assertEquals(row(2, 3, -1, 0, 10, 40), Hist.log2(slots, "usecs").split("\n")[2] + "\n");
    }

    @Test
    void linearOnlyNonEmptySlots() {
        int[] slots = new int[10];
        slots[2] = 5;
        slots[7] = 20;
        String expected = "     kbytes        : count     distribution\n"
                + "        20         : 5        |**********                              |\n"
                + "        70         : 20       |****************************************|\n";
        assertEquals(expected, Hist.linear(slots, 0, 10, "kbytes"));
    }

    @Test
    void starsOverflowMark() {
        StringBuilder sb = new StringBuilder();
        Hist.stars(sb, 50, 40, 40);
        assertEquals("*".repeat(40) + "+", sb.toString(), "a value above the maximum: full width and '+'");
        sb.setLength(0);
        Hist.stars(sb, 1, 3, 40);
        assertEquals("*".repeat(13) + " ".repeat(27), sb.toString(), "1 * 40 / 3, rounded down");
    }
}
