package org.bpf4j.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate and bookkeeping for tests that need the real kernel. Such a test calls
 * {@link #requireKernel()} first: without root or BTF it is skipped with the reason, except when
 * {@code BPF4J_REQUIRE_KERNEL=1} (CI), where the missing piece is a failure.
 */
public final class KernelTests {
    private KernelTests() {}

    public static boolean required() {
        return "1".equals(System.getenv("BPF4J_REQUIRE_KERNEL"));
    }

    /** Skips (or, in CI, fails) unless running as root on a kernel with BTF. */
    public static void requireKernel() {
        String missing = null;
        if (!isRoot()) missing = "not running as root (kernel tests need CAP_BPF and CAP_PERFMON)";
        else if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) missing = "no /sys/kernel/btf/vmlinux";
        if (missing == null) return;
        if (required()) fail("BPF4J_REQUIRE_KERNEL=1 but " + missing);
        Assumptions.assumeTrue(false, missing);
    }

    /** Skips (or, in CI, fails) unless {@code cond}; for optional tools such as bpftool. */
    public static void require(boolean cond, String what) {
        if (cond) return;
        if (required()) fail("BPF4J_REQUIRE_KERNEL=1 but " + what);
        Assumptions.assumeTrue(false, what);
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The file descriptors this process has open. */
    public static Set<String> openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            Set<String> out = new HashSet<>();
            // directory listings of /proc/self/fd (this one, another thread's) are not leaks
            String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
            s.forEach(p -> {
                try {
                    Path target = Files.readSymbolicLink(p);
                    if (!target.toString().equals(listing)) out.add(p.getFileName() + " -> " + target);
                } catch (IOException e) {
                    // the fd of the listing itself, closed meanwhile
                }
            });
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Ids of the kernel's BPF objects of one kind (programs, maps, links, BTF). */
    public static Set<Integer> ids(BpfCmd nextIdCmd) {
        Set<Integer> ids = new HashSet<>();
        for (int id = Bpf.getNextId(nextIdCmd, 0); id > 0; id = Bpf.getNextId(nextIdCmd, id)) ids.add(id);
        return ids;
    }

    /** A snapshot of what a failed operation must not leave behind. */
    public record Snapshot(Set<String> fds, Set<Integer> progs, Set<Integer> maps, Set<Integer> links,
                           Set<Integer> btfs) {
        public static Snapshot take() {
            return new Snapshot(openFds(), ids(BpfCmd.PROG_GET_NEXT_ID), ids(BpfCmd.MAP_GET_NEXT_ID),
                    ids(BpfCmd.LINK_GET_NEXT_ID), ids(BpfCmd.BTF_GET_NEXT_ID));
        }

        /**
         * Fails if anything exists now that did not before. File descriptors must be gone at
         * once; the kernel frees BPF objects of a failed load from a work queue, so their ids get
         * a moment to disappear. Other processes (a parallel build, a tracing tool) may create BPF
         * objects meanwhile: kernel objects count only if they are named like one of
         * {@code names} (program and map names of the object under test).
         */
        public void assertNothingLeftBehind(String what, java.util.Collection<String> names) {
            Snapshot now = take().onlyNamed(this, names);
            for (int i = 0; i < 100 && !now.sameObjects(this); i++) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                now = take().onlyNamed(this, names);
            }
            StringBuilder sb = new StringBuilder();
            diff(sb, "file descriptors", fds, now.fds);
            diff(sb, "programs", progs, now.progs);
            diff(sb, "maps", maps, now.maps);
            diff(sb, "links", links, now.links);
            if (!sb.isEmpty()) fail(what + " left behind: " + sb);
        }

        /** This snapshot without the new kernel objects whose name is not in {@code names}. */
        private Snapshot onlyNamed(Snapshot before, java.util.Collection<String> names) {
            Set<String> truncated = new HashSet<>();
            for (String n : names) truncated.add(n.length() > 15 ? n.substring(0, 15) : n);
            return new Snapshot(fds, keep(progs, before.progs, BpfCmd.PROG_GET_FD_BY_ID, 64, truncated),
                    keep(maps, before.maps, BpfCmd.MAP_GET_FD_BY_ID, 24, truncated),
                    keepLinks(links, before.links, truncated), btfs);
        }

        private static Set<Integer> keep(Set<Integer> now, Set<Integer> before, BpfCmd getFd, int nameOffset,
                                         Set<String> names) {
            Set<Integer> out = new HashSet<>(before);
            for (int id : now) {
                if (before.contains(id)) continue;
                long fd = Bpf.getFdByIdRaw(getFd, id);
                if (fd < 0) continue; // already gone
                try (var arena = java.lang.foreign.Arena.ofConfined();
                     var owned = new org.bpf4j.sys.Fd((int) fd)) {
                    var info = arena.allocate(256, 8);
                    Bpf.objGetInfo((int) fd, info);
                    String name = info.getString(nameOffset);
                    if (names.contains(name)) out.add(id);
                }
            }
            return out;
        }

        /** The new links whose program is named like one of {@code names} (links have no name of their own). */
        private static Set<Integer> keepLinks(Set<Integer> now, Set<Integer> before, Set<String> names) {
            Set<Integer> out = new HashSet<>(before);
            for (int id : now) {
                if (before.contains(id)) continue;
                long fd = Bpf.getFdByIdRaw(BpfCmd.LINK_GET_FD_BY_ID, id);
                if (fd < 0) continue; // already gone
                try (var arena = java.lang.foreign.Arena.ofConfined();
                     var owned = new org.bpf4j.sys.Fd((int) fd)) {
                    var info = arena.allocate(256, 8);
                    if (Bpf.objGetInfoRaw((int) fd, info) < 0) continue;
                    int progId = info.get(java.lang.foreign.ValueLayout.JAVA_INT, 8); // struct bpf_link_info.prog_id
                    long pfd = Bpf.getFdByIdRaw(BpfCmd.PROG_GET_FD_BY_ID, progId);
                    if (pfd < 0) {
                        out.add(id); // a link whose program cannot be looked at: count it
                        continue;
                    }
                    try (var ownedProg = new org.bpf4j.sys.Fd((int) pfd)) {
                        var pinfo = arena.allocate(256, 8);
                        Bpf.objGetInfo((int) pfd, pinfo);
                        if (names.contains(pinfo.getString(64))) out.add(id);
                    }
                }
            }
            return out;
        }

        private boolean sameObjects(Snapshot before) {
            return before.progs.containsAll(progs) && before.maps.containsAll(maps);
        }

        private static <T> void diff(StringBuilder sb, String kind, Set<T> before, Set<T> after) {
            Set<T> extra = new HashSet<>(after);
            extra.removeAll(before);
            if (!extra.isEmpty()) sb.append(kind).append(' ').append(extra).append("; ");
        }
    }

    /** A checked-in fixture object (core/src/test/resources/fixtures/NAME.o). */
    public static Path fixture(String name) {
        Path p = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/fixtures").resolve(name);
        if (!Files.exists(p)) {
            for (String dir : new String[] {"../core/src/test/resources/fixtures", "core/src/test/resources/fixtures"}) {
                Path alt = Path.of(System.getProperty("user.dir")).resolve(dir).resolve(name);
                if (Files.exists(alt)) return alt.normalize();
            }
        }
        return p;
    }
}
