package org.bpf4j.symbols;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * User addresses of one process named from its memory map ({@code /proc/PID/maps}): an address
 * in an executable file mapping becomes a file offset, then a virtual address of that file
 * ({@link ElfSymbols}), which handles PIE executables and shared libraries wherever they were
 * loaded; an address in anonymous memory is looked up in the process's JIT perf map
 * ({@code /tmp/perf-PID.map}, {@link PerfMap}). The map is read on first use and again when an
 * address falls outside every mapping (a library loaded since).
 */
public final class ProcessSymbols {
    private record Mapping(long start, long end, long offset, String path, boolean anonymous) {}

    private final int pid;
    private final Map<String, ElfSymbols> files;
    private final PerfMap perfMap;
    private List<Mapping> mappings;
    private long mapsRead;
    private boolean hotSpot;

    ProcessSymbols(int pid, Map<String, ElfSymbols> files) {
        this.pid = pid;
        this.files = files;
        this.perfMap = new PerfMap(PerfMap.fileOf(pid));
    }

    /**
     * The symbols of process {@code pid}, with their own cache of ELF files.
     *
     * @param pid the process id
     * @return the symbols, read lazily; thread-safe
     */
    public static ProcessSymbols of(int pid) {
        return new ProcessSymbols(pid, new ConcurrentHashMap<>());
    }

    /** {@return the process id} */
    public int pid() {
        return pid;
    }

    /** {@return the process's JIT perf map ({@code /tmp/perf-PID.map}), used for anonymous memory} */
    public PerfMap perfMap() {
        return perfMap;
    }

    /**
     * Whether the process is a HotSpot JVM (it maps libjvm.so).
     *
     * @return true for a HotSpot JVM
     */
    public synchronized boolean hotSpot() {
        maps(false);
        return hotSpot;
    }

    /**
     * Whether the process's memory map was read (now, or before it exited): false when it is
     * gone and was never read, so that none of its user addresses can be named.
     *
     * @return whether any mapping is known
     */
    public synchronized boolean mapped() {
        return !maps(false).isEmpty();
    }

    /**
     * The path of the target's libjvm.so, or null.
     *
     * @return the path, or null if the process is no HotSpot JVM
     */
    public synchronized String libjvm() {
        for (Mapping m : maps(false)) if (m.path != null && m.path.endsWith("/libjvm.so")) return m.path;
        return null;
    }

    /**
     * The frame of {@code addr}, or null when no symbol holds it (the process may have exited).
     *
     * @param addr a user address of the process
     * @return the frame, or null
     */
    public synchronized Frame resolve(long addr) {
        Mapping m = find(maps(false), addr);
        if (m == null && System.nanoTime() - mapsRead > 100_000_000L) m = find(maps(true), addr);
        if (m == null || m.anonymous) return perfMap.resolve(addr);
        ElfSymbols elf = elf(m.path);
        if (elf == null) return null;
        long vaddr = elf.virtualAddress(addr - m.start + m.offset);
        return vaddr < 0 ? null : elf.resolve(vaddr);
    }

    /**
     * The mapped file holding {@code addr} and the file offset, as {@code path+0xoffset}, or null.
     *
     * @param addr a user address of the process
     * @return the module and offset, or null for an anonymous or unknown address
     */
    public synchronized String module(long addr) {
        Mapping m = find(maps(false), addr);
        return m == null || m.anonymous ? null : m.path + "+0x" + Long.toHexString(addr - m.start + m.offset);
    }

    private ElfSymbols elf(String path) {
        ElfSymbols e = files.get(path);
        if (e != null) return e;
        Path p = Path.of("/proc/" + pid + "/root" + path);
        if (!Files.isRegularFile(p)) p = Path.of(path);
        try {
            e = ElfSymbols.read(p, path);
        } catch (RuntimeException ex) {
            return null; // not ELF, or gone: no names from it
        }
        ElfSymbols prev = files.putIfAbsent(path, e);
        return prev != null ? prev : e;
    }

    private static Mapping find(List<Mapping> maps, long addr) {
        for (Mapping m : maps) {
            if (Long.compareUnsigned(addr, m.start) >= 0 && Long.compareUnsigned(addr, m.end) < 0) return m;
        }
        return null;
    }

    private List<Mapping> maps(boolean again) {
        if (mappings != null && !again) return mappings;
        List<Mapping> list = new ArrayList<>();
        boolean jvm = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
                // start-end perms offset dev inode path
                String[] f = line.split("\\s+", 6);
                if (f.length < 5 || f[1].length() < 3 || f[1].charAt(2) != 'x') continue;
                int dash = f[0].indexOf('-');
                long start = Long.parseUnsignedLong(f[0], 0, dash, 16), end = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
                long offset = Long.parseUnsignedLong(f[2], 16);
                String path = f.length == 6 ? f[5].strip() : "";
                if (path.endsWith(" (deleted)")) path = path.substring(0, path.length() - 10);
                boolean anon = path.isEmpty() || path.startsWith("[") || f[4].equals("0");
                if (path.endsWith("/libjvm.so")) jvm = true;
                list.add(new Mapping(start, end, offset, anon ? null : path, anon));
            }
        } catch (IOException | RuntimeException e) {
            // the process exited: keep what was read before
            if (mappings != null) return mappings;
        }
        mapsRead = System.nanoTime();
        hotSpot = jvm;
        return mappings = list;
    }
}
