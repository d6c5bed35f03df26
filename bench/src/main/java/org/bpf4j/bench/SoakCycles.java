package org.bpf4j.bench;

import static org.bpf4j.bench.BufBench.die;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.ObjectSpec;
import org.bpf4j.link.LinkInfo;
import org.bpf4j.link.Links;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;

/**
 * soak-cycles: {@code --cycles} (default 10,000) open/load/attach/detach/close cycles of the
 * open-load-attach object (bench/bpf/syscount.bpf.o), with what the process holds at the start,
 * every {@code --every} cycles (notes) and at the end: open fds (/proc/self/fd), the kernel's
 * programs, maps and links named like the object's (BPF_*_GET_NEXT_ID), heap in use after
 * {@code System.gc()} and VmRSS. Fails (exit 1) if the fds or kernel objects at the end differ
 * from the start, or if any program, map or link id a cycle created still exists.
 *
 * <pre>soak-cycles OBJ [--cycles N] [--every N]</pre>
 */
final class SoakCycles {
    private SoakCycles() {}

    static final String BENCH = "soak-cycles";

    record Snapshot(long fds, long progs, long maps, long links, long heap, long rss) {
        String describe() {
            return String.format(Locale.ROOT, "fds %d, programs %d, maps %d, links %d, heap %d bytes, rss %d bytes",
                    fds, progs, maps, links, heap, rss);
        }
    }

    static void run(String[] args) {
        Path obj = Path.of(args[0]);
        int cycles = (int) Results.arg(args, "--cycles", 10_000);
        int every = (int) Results.arg(args, "--every", 1_000);
        // the kernel names of the object's programs and maps (BPF_OBJ_NAME_LEN: 15 characters kept)
        Set<String> progNames = new HashSet<>(), mapNames = new HashSet<>();
        ObjectSpec first = ObjectSpec.read(obj);
        for (String p : first.programs().keySet()) progNames.add(kernelName(p));
        for (String m : first.maps().keySet()) mapNames.add(kernelName(m));
        // one load before the start learns the kernel names of the internal maps (.rodata); its ids are checked too
        List<int[]> created = new ArrayList<>(); // {kind, id}: 0 program, 1 map, 2 link
        cycle(obj, created, true, progNames, mapNames);
        Snapshot start = snapshot(progNames, mapNames);
        BufBench.note("%s: %s, %d cycles of open (ObjectSpec.read), load, attach, detach, close; programs %s, maps %s "
                + "counted by name (learned from one cycle before the start); java %s; load average %s", BENCH, obj, cycles, progNames, mapNames,
                System.getProperty("java.vm.version"), loadAvg());
        BufBench.note("%s 0: %s", BENCH, start.describe());
        long t0 = System.nanoTime();
        for (int c = 1; c <= cycles; c++) {
            cycle(obj, created, false, progNames, mapNames);
            if (c % every == 0 && c != cycles) {
                BufBench.note("%s %d: %s, %.1f ms since start", BENCH, c, snapshot(progNames, mapNames).describe(),
                        (System.nanoTime() - t0) / 1e6);
            }
        }
        double elapsedMs = (System.nanoTime() - t0) / 1e6;
        // the kernel frees programs and maps after RCU grace periods and in a work queue: wait up to 10 s for that
        Snapshot end = snapshot(progNames, mapNames);
        long alive = alive(created);
        long settle0 = System.nanoTime();
        while ((alive != 0 || !sameObjects(start, end)) && System.nanoTime() - settle0 < 10_000_000_000L) {
            sleep(200);
            end = snapshot(progNames, mapNames);
            alive = alive(created);
        }
        BufBench.note("%s: end snapshot taken %.0f ms after the last cycle (kernel objects freed asynchronously)", BENCH,
                (System.nanoTime() - settle0) / 1e6);
        BufBench.note("%s %d: %s; load average %s", BENCH, cycles, end.describe(), loadAvg());
        BufBench.result(BENCH, "cycles", cycles, "cycles");
        BufBench.result(BENCH, "elapsed", elapsedMs, "ms");
        BufBench.result(BENCH, "cycle_mean", elapsedMs / cycles, "ms");
        String[] names = {"fds", "programs", "maps", "links", "heap", "rss"};
        String[] units = {"fds", "objects", "objects", "objects", "bytes", "bytes"};
        long[] s = {start.fds, start.progs, start.maps, start.links, start.heap, start.rss};
        long[] e = {end.fds, end.progs, end.maps, end.links, end.heap, end.rss};
        for (int i = 0; i < names.length; i++) {
            BufBench.result(BENCH, names[i] + "_start", s[i], units[i]);
            BufBench.result(BENCH, names[i] + "_end", e[i], units[i]);
        }
        BufBench.result(BENCH, "ids_created", created.size(), "objects");
        BufBench.result(BENCH, "ids_alive_at_end", alive, "objects");
        if (alive != 0) throw die("%d of the %d programs, maps and links the cycles created still exist", alive,
                created.size());
        if (s[0] != e[0]) throw die("fds: %d at the start, %d at the end", s[0], e[0]);
        for (int i = 1; i < 4; i++) {
            // the exact check is the one by id above; objects of other processes can have the same names
            if (s[i] != e[i]) BufBench.note("%s: %d %s named like the object's at the start, %d at the end, none of them "
                    + "created here", BENCH, s[i], names[i], e[i]);
        }
    }

    /** One cycle; records the ids of what it created in the kernel. */
    private static void cycle(Path obj, List<int[]> created, boolean check, Set<String> progNames, Set<String> mapNames) {
        ObjectSpec spec = ObjectSpec.read(obj);
        try (BpfObject o = spec.load()) {
            for (BpfProgram p : o.programs().values()) created.add(new int[] {0, p.info().id()});
            for (BpfMap m : o.maps().values()) {
                created.add(new int[] {1, m.info().id()});
                if (check && !mapNames.contains(m.info().name())) mapNames.add(m.info().name());
            }
            BpfLink link = o.program("sys_enter").attach();
            try {
                LinkInfo li = link.info();
                created.add(new int[] {2, li.id()});
            } catch (RuntimeException e) {
                if (check) BufBench.note("%s: the link has no link id (%s)", BENCH, e.getMessage());
            } finally {
                link.close();
            }
        }
    }

    /** How many of the created programs, maps and links the kernel still has. */
    static long alive(List<int[]> created) {
        long alive = 0;
        BpfCmd[] byId = {BpfCmd.PROG_GET_FD_BY_ID, BpfCmd.MAP_GET_FD_BY_ID, BpfCmd.LINK_GET_FD_BY_ID};
        for (int[] k : created) {
            long fd = Bpf.getFdByIdRaw(byId[k[0]], k[1]);
            if (fd >= 0) {
                alive++;
                org.bpf4j.sys.Native.call(org.bpf4j.sys.SysNr.CLOSE, fd);
            }
        }
        return alive;
    }

    static boolean sameObjects(Snapshot a, Snapshot b) {
        return a.fds == b.fds && a.progs == b.progs && a.maps == b.maps && a.links == b.links;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String kernelName(String name) {
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    static Snapshot snapshot(Set<String> progNames, Set<String> mapNames) {
        long fds = openFds();
        long progs = 0, maps = 0, links = 0;
        Set<Integer> ourProgIds = new HashSet<>();
        for (int id : BpfProgram.ids()) {
            try (BpfProgram p = BpfProgram.open(id)) {
                if (progNames.contains(p.info().name())) {
                    progs++;
                    ourProgIds.add(id);
                }
            } catch (RuntimeException gone) { // unloaded between the walk and the open
            }
        }
        for (int id : BpfMap.ids()) {
            try (BpfMap m = BpfMap.open(id)) {
                if (mapNames.contains(m.info().name())) maps++;
            } catch (RuntimeException gone) {
            }
        }
        for (int id : Links.ids()) {
            try (BpfLink l = Links.open(id)) {
                if (ourProgIds.contains(l.info().progId())) links++;
            } catch (RuntimeException gone) {
            }
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        return new Snapshot(fds, progs, maps, links, heap, rssBytes());
    }

    /** Open fds of this process, without the one that lists them. */
    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** VmRSS of this process in bytes. */
    static long rssBytes() {
        return statusField("/proc/self/status", "VmRSS:") * 1024;
    }

    /** The first number of the line starting with {@code key} in a /proc status file, -1 if none. */
    static long statusField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String loadAvg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
