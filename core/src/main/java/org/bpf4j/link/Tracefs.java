package org.bpf4j.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.PermissionException;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Os;

/**
 * Finds tracefs: a tracefs mount of {@code /proc/self/mounts} ({@code /sys/kernel/tracing} first,
 * then {@code /sys/kernel/debug/tracing}, then any other), even where this process cannot read
 * it (tracefs' root is mode 0700); mounts it at {@code /sys/kernel/tracing} when it is mounted
 * nowhere and the process may, as perf does.
 */
public final class Tracefs {
    private Tracefs() {}

    private static final Path MOUNT_POINT = Path.of("/sys/kernel/tracing");
    private static volatile Path root;

    /**
     * The tracefs mount point.
     *
     * @return the directory, normally {@code /sys/kernel/tracing}
     * @throws FeatureNotSupportedException if tracefs is not mounted and cannot be mounted
     */
    public static Path root() {
        Path r = root;
        if (r != null) return r;
        synchronized (Tracefs.class) {
            if (root != null) return root;
            Path mounted = mounted(mounts());
            if (mounted != null) return root = mounted;
            for (String p : new String[] {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
                if (Files.isDirectory(Path.of(p, "events"))) return root = Path.of(p);
            }
            if (Files.isDirectory(MOUNT_POINT)) {
                long rc = Os.mountRaw("tracefs", MOUNT_POINT.toString(), "tracefs", 0);
                if (rc == 0 && Files.isDirectory(MOUNT_POINT.resolve("events"))) return root = MOUNT_POINT;
                if (rc == -Errno.EPERM) {
                    throw new FeatureNotSupportedException("tracefs", "not mounted at /sys/kernel/tracing and "
                            + "mounting it needs CAP_SYS_ADMIN: run `mount -t tracefs tracefs /sys/kernel/tracing`");
                }
            }
            throw new FeatureNotSupportedException("tracefs", "not mounted at /sys/kernel/tracing or "
                    + "/sys/kernel/debug/tracing (kernel built without CONFIG_TRACING?)");
        }
    }

    private static String mounts() {
        try {
            return Files.readString(Path.of("/proc/self/mounts"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The tracefs mount point a {@code /proc/self/mounts} text lists ({@code /sys/kernel/tracing}
     * first, then {@code /sys/kernel/debug/tracing}, then the first other one), or null.
     */
    static Path mounted(String mounts) {
        Path best = null;
        int bestRank = Integer.MAX_VALUE;
        for (String line : mounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 3 || !f[2].equals("tracefs")) continue;
            String dir = unescape(f[1]);
            int rank = switch (dir) {
                case "/sys/kernel/tracing" -> 0;
                case "/sys/kernel/debug/tracing" -> 1;
                default -> 2;
            };
            if (rank < bestRank) {
                best = Path.of(dir);
                bestRank = rank;
            }
        }
        return best;
    }

    /** A mounts field with the kernel's octal escapes ({@code \040} for a space) decoded. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The id of tracepoint {@code category/name} from {@code events/<category>/<name>/id}.
     *
     * @param category the tracepoint's category, such as {@code sched}
     * @param name the tracepoint's name, such as {@code sched_switch}
     * @return the tracepoint's id
     * @throws BpfException if there is no such tracepoint
     */
    public static long tracepointId(String category, String name) {
        Path idFile = root().resolve("events").resolve(category).resolve(name).resolve("id");
        try {
            return Long.parseLong(Files.readString(idFile).trim());
        } catch (java.nio.file.AccessDeniedException e) {
            // tracefs' root is mode 0700 and its id files 0440, both root's, unless mounted with uid=/gid=/mode=
            throw new PermissionException("open", Errno.EACCES, "tracepoint " + category + "/" + name + ": " + idFile
                    + " is readable by root only", "CAP_DAC_READ_SEARCH");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException("tracepoint " + category + "/" + name + " does not exist (no " + idFile
                    + "); see " + root().resolve("available_events"));
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read " + idFile + ": " + e.getMessage(), e);
        }
    }
}
