package org.bpf4j.examples;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.map.Codecs;
import org.bpf4j.map.MapView;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * The study document's kprobe on {@code sys_open} (tools/src/test/bcc/kprobe_open.c): BCC's
 * {@code kprobe__sys_openat} attaches by its name and stores, per thread, the last file name
 * opened ({@code b["open_files"]}). Needs a kernel with kprobes. Where the kernel has no clang
 * (the kernel-matrix guest), the object is compiled elsewhere and loaded as it is.
 * <pre>
 *   java ... org.bpf4j.examples.BccKprobeOpen tools/src/test/bcc/kprobe_open.c [N]     compile, load, run
 *   java ... org.bpf4j.examples.BccKprobeOpen --compile kprobe_open.c kprobe_open.bpf.o  compile only
 *   java ... org.bpf4j.examples.BccKprobeOpen kprobe_open.bpf.o [N]                      load the object
 * </pre>
 */
public final class BccKprobeOpen {
    private BccKprobeOpen() {}

    /** openat(2)'s "relative to the working directory". */
    private static final int AT_FDCWD = -100;

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("--compile")) {
            Bcc.compile(Path.of(args[1]), Bcc.Options.defaults(), Path.of(args[2]));
            return;
        }
        Path file = Path.of(args.length > 0 ? args[0] : "kprobe_open.c");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        ObjectSpec spec = file.toString().endsWith(".o") ? ObjectSpec.read(file) : Bcc.compile(file);
        try (BccProgram b = BccProgram.load(spec)) {
            System.out.println(n + " openat() calls, " + recorded(b, n, "/bpf4j-kprobe-open") + " seen by the kprobe");
        }
    }

    /**
     * Makes {@code n} openat() calls of this thread, on names under {@code prefix} that do not
     * exist (the kprobe runs on entry, before the lookup fails), and returns after how many of
     * them {@code open_files[this thread]} held exactly the name just opened.
     */
    public static int recorded(BccProgram b, int n, String prefix) {
        MapView<Integer, String> files = b.table("open_files").view(Codecs.U32, Codecs.cString(256));
        int tid = (int) Native.call(SysNr.GETTID, 0);
        int seen = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < n; i++) {
                String name = prefix + "/" + tid + "/" + i;
                long r = Native.call(SysNr.OPENAT, AT_FDCWD, arena.allocateFrom(name).address(), 0);
                if (r >= 0) Native.call(SysNr.CLOSE, r);
                if (name.equals(files.get(tid))) seen++;
            }
        }
        return seen;
    }
}
