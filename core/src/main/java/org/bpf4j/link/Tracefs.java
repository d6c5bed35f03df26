package org.bpf4j.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Os;

/**
 * Finds tracefs ({@code /sys/kernel/tracing}, or {@code /sys/kernel/debug/tracing}), mounting it
 * at {@code /sys/kernel/tracing} when it is not mounted and the process may, as perf does.
 */
public final class Tracefs {
    private Tracefs() {}

    private static volatile Path root;

    /** The tracefs mount point. */
    public static Path root() {
        Path r = root;
        if (r != null) return r;
        synchronized (Tracefs.class) {
            if (root != null) return root;
            for (String p : new String[] {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
                if (Files.isDirectory(Path.of(p, "events"))) return root = Path.of(p);
            }
            Path mountPoint = Path.of("/sys/kernel/tracing");
            if (Files.isDirectory(mountPoint)) {
                long rc = Os.mountRaw("tracefs", mountPoint.toString(), "tracefs", 0);
                if (rc == 0 && Files.isDirectory(mountPoint.resolve("events"))) return root = mountPoint;
                if (rc == -Errno.EPERM) {
                    throw new FeatureNotSupportedException("tracefs", "not mounted at /sys/kernel/tracing and "
                            + "mounting it needs CAP_SYS_ADMIN: run `mount -t tracefs tracefs /sys/kernel/tracing`");
                }
            }
            throw new FeatureNotSupportedException("tracefs", "not mounted at /sys/kernel/tracing or "
                    + "/sys/kernel/debug/tracing (kernel built without CONFIG_TRACING?)");
        }
    }

    /** The id of tracepoint {@code category/name} from {@code events/<category>/<name>/id}. */
    public static long tracepointId(String category, String name) {
        Path idFile = root().resolve("events").resolve(category).resolve(name).resolve("id");
        try {
            return Long.parseLong(Files.readString(idFile).trim());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException("tracepoint " + category + "/" + name + " does not exist (no " + idFile
                    + "); see " + root().resolve("available_events"));
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("cannot read " + idFile + ": " + e.getMessage(), e);
        }
    }
}
