package org.bpf4j.examples;

import java.nio.file.Path;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * The study document's {@code BPF_HASH(counts, u32, u64)} counter (tools/src/test/bcc/counter.c),
 * compiled at run time as BCC's {@code b = BPF(src_file="counter.c")} does, then read as
 * {@code b["counts"]}: this thread makes N getpid() calls and reads its own count.
 * Run as root: {@code java ... org.bpf4j.examples.BccHashCounter tools/src/test/bcc/counter.c 1000}
 */
public final class BccHashCounter {
    private BccHashCounter() {}

    public static void main(String[] args) {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        System.out.println(n + " getpid() calls counted " + count(Path.of(args.length > 0 ? args[0] : "counter.c"), n));
    }

    /** Loads the program, makes {@code n} getpid() calls, returns the count of this thread. */
    public static long count(Path source, int n) {
        try (BccProgram b = Bcc.load(source)) {
            int tid = (int) Native.call(SysNr.GETTID, 0);
            for (int i = 0; i < n; i++) Native.call(SysNr.GETPID, 0);
            Long count = b.table("counts").view(Codecs.U32, Codecs.U64).get(tid);
            return count == null ? 0 : count;
        }
    }
}
