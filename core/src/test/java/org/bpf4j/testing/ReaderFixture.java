package org.bpf4j.testing;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.ObjectSpec;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Bpf;

/**
 * The producers of fixtures/readers.o (core/src/test/bpf/readers.bpf.c), run with
 * BPF_PROG_TEST_RUN: ring buffer records from a {@code SEC("syscall")} program, perf buffer
 * samples from an unattached raw tracepoint program, both looping with {@code bpf_loop}.
 */
public final class ReaderFixture implements AutoCloseable {
    public static final int MODE_FIXED = 0, MODE_PATTERN = 1;
    /** {@code BPF_F_TEST_RUN_ON_CPU}. */
    public static final int TEST_RUN_ON_CPU = 1;

    public final BpfObject obj;

    private ReaderFixture(BpfObject obj) {
        this.obj = obj;
    }

    /** Loads the fixture with ring buffers {@code rb} and {@code rb2} of the given sizes. */
    public static ReaderFixture load(int rbSize, int rb2Size) {
        ObjectSpec spec = ObjectSpec.read(KernelTests.fixture("readers.o"));
        spec.map("rb").maxEntries(rbSize);
        spec.map("rb2").maxEntries(rb2Size);
        return new ReaderFixture(spec.load());
    }

    public BpfMap map(String name) {
        return obj.map(name);
    }

    /** Runs the ring buffer producer; returns the records it committed. */
    public int produceRing(long count, long seq, int mode, int flags, int discardEvery, int ring) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(32, 8);
            ctx.set(JAVA_LONG, 0, count);
            ctx.set(JAVA_LONG, 8, seq);
            ctx.set(JAVA_INT, 16, mode);
            ctx.set(JAVA_INT, 20, flags);
            ctx.set(JAVA_INT, 24, discardEvery);
            ctx.set(JAVA_INT, 28, ring);
            int r = obj.program("rb_produce").testRun(ctx, null, 0).retval();
            if (r < 0) throw new AssertionError("rb_produce returned " + r);
            return r;
        }
    }

    /** Runs the perf buffer producer on {@code cpu} (-1: wherever this thread runs); returns the samples written. */
    public int producePerf(long count, long seq, int mode, int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(24, 8);
            ctx.set(JAVA_LONG, 0, count);
            ctx.set(JAVA_LONG, 8, seq);
            ctx.set(JAVA_LONG, 16, mode);
            int flags = cpu >= 0 ? TEST_RUN_ON_CPU : 0;
            int r = Bpf.progTestRun(obj.program("pb_produce").fd(), null, null, ctx, null, 0, flags,
                    Math.max(cpu, 0)).retval();
            if (r < 0) throw new AssertionError("pb_produce returned " + r);
            return r;
        }
    }

    /** Failed writes so far: 0 for ring buffers, 1 for the perf buffer. */
    public long drops(int which) {
        Long v = obj.map("drops").view(Codecs.U32, Codecs.U64).get(which);
        return v == null ? 0 : v;
    }

    /** Size in bytes of record {@code n} in {@link #MODE_PATTERN}. */
    public static int patternSize(long n) {
        return 1 + (int) Long.remainderUnsigned(n * 37 + 11, 256);
    }

    /** Byte {@code i} of record {@code n} in {@link #MODE_PATTERN}: of the little-endian word n * 64 + i / 8. */
    public static byte patternByte(long n, int i) {
        long word = n * 64 + i / 8;
        return (byte) (word >>> (8 * (i % 8)));
    }

    /** Null if the {@code length} bytes at {@code offset} are the bytes of record {@code n}, else what differs. */
    public static String checkPattern(long n, MemorySegment data, long offset, int length) {
        for (int i = 0; i < length; i++) {
            byte b = data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + i);
            if (b != patternByte(n, i)) {
                return "record " + n + " byte " + i + ": " + (b & 0xff) + ", expected " + (patternByte(n, i) & 0xff);
            }
        }
        return null;
    }

    @Override
    public void close() {
        obj.close();
    }
}
