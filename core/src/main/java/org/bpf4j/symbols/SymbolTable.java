package org.bpf4j.symbols;

import java.util.Arrays;

/**
 * Sorted symbol starts with names and sizes, looked up by address: the symbol with the greatest
 * start not above the address, if the address is within its size (a size of 0 reaches to the
 * next symbol). Of several symbols at one start, the first added wins.
 */
final class SymbolTable {
    static final SymbolTable EMPTY = new Builder().build();

    private final long[] starts;
    private final long[] sizes;
    private final String[] names;

    private SymbolTable(long[] starts, long[] sizes, String[] names) {
        this.starts = starts;
        this.sizes = sizes;
        this.names = names;
    }

    int size() {
        return starts.length;
    }

    /** The index of the symbol holding {@code addr}, or -1. */
    int find(long addr) {
        int lo = 0, hi = starts.length - 1, at = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], addr) <= 0) {
                at = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (at < 0) return -1;
        long start = starts[at];
        while (at > 0 && starts[at - 1] == start) at--;
        if (sizes[at] != 0 && Long.compareUnsigned(addr - start, sizes[at]) >= 0) return -1;
        return at;
    }

    long start(int i) {
        return starts[i];
    }

    String name(int i) {
        return names[i];
    }

    static final class Builder {
        private long[] starts = new long[1024], sizes = new long[1024];
        private String[] names = new String[1024];
        private int n;

        void add(long start, long size, String name) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
                sizes = Arrays.copyOf(sizes, n * 2);
                names = Arrays.copyOf(names, n * 2);
            }
            starts[n] = start;
            sizes[n] = size;
            names[n++] = name;
        }

        SymbolTable build() {
            Integer[] order = new Integer[n];
            boolean sorted = true;
            for (int i = 0; i < n; i++) {
                order[i] = i;
                if (i > 0 && Long.compareUnsigned(starts[i - 1], starts[i]) > 0) sorted = false;
            }
            if (!sorted) Arrays.sort(order, (a, b) -> Long.compareUnsigned(starts[a], starts[b])); // stable: first added first
            long[] s = new long[n], z = new long[n];
            String[] m = new String[n];
            for (int i = 0; i < n; i++) {
                s[i] = starts[order[i]];
                z[i] = sizes[order[i]];
                m[i] = names[order[i]];
            }
            return new SymbolTable(s, z, m);
        }
    }
}
