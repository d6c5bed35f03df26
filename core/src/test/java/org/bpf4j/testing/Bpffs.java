package org.bpf4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Os;

/**
 * A private bpf file system mounted on a fresh temporary directory, for pinning tests: nothing
 * they pin lands in /sys/fs/bpf (which may not even be mounted), and closing unmounts it, which
 * drops every pin in it.
 */
public final class Bpffs implements AutoCloseable {
    public final Path dir;

    private Bpffs(Path dir) {
        this.dir = dir;
    }

    /** Mounts one (after {@link KernelTests#requireKernel()}). */
    public static Bpffs mount() {
        KernelTests.require(Cmd.available("umount"), "no `umount` on PATH");
        Path dir;
        try {
            dir = Files.createTempDirectory("b4j-bpffs");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        long r = Os.mountRaw("bpf", dir.toString(), "bpf", 0);
        if (r < 0) throw new AssertionError("mount -t bpf on " + dir + ": " + Errno.name((int) -r));
        return new Bpffs(dir);
    }

    @Override
    public void close() {
        Cmd.check("umount", dir.toString());
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
