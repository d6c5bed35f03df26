package org.bpf4j.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;

/** The CPUs the kernel reports in {@code /sys/devices/system/cpu/{possible,online}}. */
public final class Cpus {
    private Cpus() {}

    private static volatile int possible = -1;

    /** The number of possible CPUs: per-CPU map values hold one slot for each. */
    public static int possible() {
        int p = possible;
        if (p < 0) {
            List<Integer> l = read("possible");
            p = l.isEmpty() ? 1 : l.get(l.size() - 1) + 1;
            possible = p;
        }
        return p;
    }

    /** The online CPUs, ascending. */
    public static List<Integer> online() {
        return read("online");
    }

    private static List<Integer> read(String which) {
        Path path = Path.of("/sys/devices/system/cpu", which);
        try {
            return parseList(Files.readString(path).trim());
        } catch (IOException e) {
            throw new BpfException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Parses a kernel CPU list such as {@code 0-3,8,10-11}. */
    public static List<Integer> parseList(String s) {
        List<Integer> out = new ArrayList<>();
        if (s.isEmpty()) return out;
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) {
                out.add(Integer.parseInt(part.trim()));
            } else {
                int a = Integer.parseInt(part.substring(0, dash).trim());
                int b = Integer.parseInt(part.substring(dash + 1).trim());
                for (int i = a; i <= b; i++) out.add(i);
            }
        }
        return out;
    }
}
