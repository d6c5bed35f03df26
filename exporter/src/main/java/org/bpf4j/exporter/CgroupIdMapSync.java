package org.bpf4j.exporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * {@code cgroup_id_map}: keeps a map filled with the cgroups whose path (under /sys/fs/cgroup,
 * the path as the exporter sees it) matches one of the config's regexps, value 1. A hash map is
 * keyed by the cgroup id (the directory's inode), a cgrp_storage map by the cgroup itself. The
 * cgroup tree is walked at load and then every second (ebpf_exporter follows it through
 * fanotify); cgroups that went away leave the hash map (cgrp_storage drops them by itself).
 */
final class CgroupIdMapSync implements AutoCloseable {
    static final Path ROOT = root();

    /**
     * The cgroup2 mount, where the ids bpf_get_current_cgroup_id() returns live: /sys/fs/cgroup,
     * or /sys/fs/cgroup/unified and the like on hybrid systems (the v1 hierarchies beside it have
     * inodes of their own that must not be taken for cgroup ids).
     */
    static Path root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) return Path.of(f[1].replace("\\040", " "));
            }
        } catch (IOException e) {
            // no /proc: the usual place
        }
        return Path.of("/sys/fs/cgroup");
    }

    private final BpfMap map;
    private final boolean hash;
    private final List<Pattern> patterns;
    private final Set<Long> present = new HashSet<>();
    private final Thread thread;
    private volatile boolean stop;

    private CgroupIdMapSync(Config.CgroupIdMap c, BpfMap map) {
        this.map = map;
        this.hash = c.type().equals("hash");
        this.patterns = c.regexps().stream().map(Pattern::compile).toList();
        this.thread = Thread.ofPlatform().daemon().name("exporter-cgroups-" + c.name()).unstarted(this::run);
    }

    /** The map's key and value sizes for its type, before load. */
    static void check(Config c, ObjectSpec spec) {
        Config.CgroupIdMap m = c.cgroupIdMap();
        String at = c.yaml() + ": config " + c.name() + ", key cgroup_id_map.name: ";
        var ms = spec.maps().get(m.name());
        if (ms == null) throw new BpfException(at + "no map " + m.name() + " in " + c.object());
        int key = m.type().equals("hash") ? 8 : 4;
        if (ms.keySize() != key) {
            throw new BpfException(at + "the key of map " + m.name() + " is " + ms.keySize() + " bytes, not " + key
                    + " as type " + m.type() + " needs");
        }
        if (ms.valueSize() != 8) {
            throw new BpfException(at + "the value of map " + m.name() + " is " + ms.valueSize() + " bytes, not a u64 (8 bytes)");
        }
        if (!m.type().equals("hash") && ms.type() != MapType.CGRP_STORAGE) {
            throw new BpfException(at + "map " + m.name() + " is a " + ms.type() + ", not the CGRP_STORAGE type cgrp_storage names");
        }
    }

    /** Fills the map once, then keeps it in step from a thread of its own. */
    static CgroupIdMapSync start(Config c, BpfMap map) {
        CgroupIdMapSync s = new CgroupIdMapSync(c.cgroupIdMap(), map);
        s.sync();
        s.thread.start();
        return s;
    }

    private void run() {
        while (!stop) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (stop) return;
            try {
                sync();
            } catch (RuntimeException e) {
                // cgroups come and go while walking; the next round sees the tree again
            }
        }
    }

    /** Walks the cgroup tree: adds the matching cgroups the map lacks, removes the ones gone. */
    synchronized void sync() {
        Map<Long, Path> now = new HashMap<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            s.filter(Files::isDirectory).forEach(p -> {
                String path = p.toString();
                for (Pattern re : patterns) {
                    if (re.matcher(path).find()) {
                        try {
                            now.put((Long) Files.getAttribute(p, "unix:ino"), p);
                        } catch (IOException | UncheckedIOException e) {
                            // gone meanwhile
                        }
                        return;
                    }
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a directory vanished under the walk: keep what it saw
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(8), value = arena.allocate(8);
            value.set(ValueLayout.JAVA_LONG, 0, 1);
            for (var e : now.entrySet()) {
                if (present.contains(e.getKey())) continue;
                if (hash) {
                    key.set(ValueLayout.JAVA_LONG, 0, e.getKey());
                    map.update(key, value, 0);
                } else {
                    try (Fd cg = Os.openDirectory(e.getValue().toString())) {
                        key.set(ValueLayout.JAVA_INT, 0, cg.value());
                        map.update(key.asSlice(0, 4), value, 0);
                    } catch (BpfException gone) {
                        continue;
                    }
                }
                present.add(e.getKey());
            }
            for (var it = present.iterator(); it.hasNext();) {
                long id = it.next();
                if (now.containsKey(id)) continue;
                it.remove();
                if (hash) {
                    key.set(ValueLayout.JAVA_LONG, 0, id);
                    map.delete(key.asSlice(0, 8));
                }
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
