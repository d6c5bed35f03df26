package org.bpf4j.jfr;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;

/**
 * The agent's overhead (README, "Kernel events in JDK Flight Recorder"): one thread reads 64 bytes
 * of a small file with pread(2) as fast as it can, under a JFR recording of the bpf4j events, for
 * {@code args[0]} seconds after one of warm-up; prints reads per second. Run it with and without
 * {@code -javaagent:}: every read crosses raw_syscalls sys_enter and sys_exit (the slow-syscall
 * event), the other programs see none of them.
 */
public final class ReadBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path file = Files.createTempFile("bpf4j-readbench", ".bin");
        Files.write(file, new byte[4096]);
        try (Recording r = new Recording(); FileChannel ch = FileChannel.open(file)) {
            for (String e : new String[] {"bpf4j.OffCpu", "bpf4j.FileOpen", "bpf4j.Syscall", "bpf4j.Dropped"}) r.enable(e);
            r.start();
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            run(ch, buf, 1_000_000_000L);
            long t0 = System.nanoTime();
            long n = run(ch, buf, seconds * 1_000_000_000L);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%.0f reads/s%n", n / s);
            r.stop();
        } finally {
            Files.delete(file);
        }
    }

    static long run(FileChannel ch, ByteBuffer buf, long nanos) throws java.io.IOException {
        long n = 0, end = System.nanoTime() + nanos;
        while (true) {
            for (int i = 0; i < 10_000; i++) {
                buf.clear();
                ch.read(buf, 0);
            }
            n += 10_000;
            if (System.nanoTime() - end > 0) return n;
        }
    }
}
