package org.bpf4j.symbols;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The symbols a JIT writes to {@code /tmp/perf-PID.map} ({@code START SIZE NAME}, hex, one
 * line per compiled method or stub, as perf reads it). The file grows while the process runs:
 * a miss reads it again when it has grown since.
 */
public final class PerfMap {
    private final Path file;
    private long readSize = -1;
    private SymbolTable table = SymbolTable.EMPTY;

    /**
     * A perf map read from {@code file} on first use; thread-safe.
     *
     * @param file the file, such as {@link #fileOf}'s
     */
    public PerfMap(Path file) {
        this.file = file;
    }

    /**
     * {@code /tmp/perf-PID.map}.
     *
     * @param pid the process id
     * @return the path; the file may not exist
     */
    public static Path fileOf(int pid) {
        return Path.of("/tmp/perf-" + pid + ".map");
    }

    /** {@return the file the symbols are read from} */
    public Path file() {
        return file;
    }

    /**
     * Whether the file exists.
     *
     * @return true if the file exists
     */
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    /**
     * How many symbols were read.
     *
     * @return the number of symbols read so far
     */
    public synchronized int size() {
        return table.size();
    }

    /**
     * The JIT symbol holding {@code addr}, or null.
     *
     * @param addr a user address
     * @return the frame (module {@code [perf-map]}), or null
     */
    public synchronized Frame resolve(long addr) {
        int i = table.find(addr);
        if (i < 0 && reload()) i = table.find(addr);
        return i < 0 ? null : new Frame(table.name(i), addr - table.start(i), "[perf-map]");
    }

    /** Reads the file again if it grew; true if it did. */
    private boolean reload() {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return false;
        }
        if (size == readSize) return false;
        SymbolTable.Builder b = new SymbolTable.Builder();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                int sp1 = line.indexOf(' '), sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
                if (sp2 < 0) continue;
                try {
                    long start = hex(line, 0, sp1), len = hex(line, sp1 + 1, sp2);
                    b.add(start, len == 0 ? 1 : len, line.substring(sp2 + 1).strip());
                } catch (NumberFormatException e) {
                    // a line being written, or not a symbol: skip it
                }
            }
        } catch (IOException e) {
            return false;
        }
        readSize = size;
        table = b.build();
        return true;
    }

    private static long hex(String s, int from, int to) {
        if (to - from > 2 && s.charAt(from) == '0' && (s.charAt(from + 1) == 'x' || s.charAt(from + 1) == 'X')) from += 2;
        return Long.parseUnsignedLong(s, from, to, 16);
    }
}
