package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;
import org.bpf4j.tools.bpf.ExecsnoopSkeleton;

/**
 * {@code bpf4j execsnoop}: traces execve with the options and output of libbpf-tools' execsnoop
 * ({@code PCOMM PID PPID RET ARGS}). Events come through a BPF ring buffer.
 */
final class Execsnoop {
    private Execsnoop() {}

    static final String HELP = """
            Usage: bpf4j execsnoop [OPTION...]
            Trace exec syscalls

            USAGE: execsnoop [-h] [-T] [-t] [-x] [-u UID] [-q] [-n NAME] [-l LINE] [-U] [-c CG]
                             [--max-args MAX_ARGS]

            EXAMPLES:
               bpf4j execsnoop           # trace all exec() syscalls
               bpf4j execsnoop -x        # include failed exec()s
               bpf4j execsnoop -T        # include time (HH:MM:SS)
               bpf4j execsnoop -U        # include UID
               bpf4j execsnoop -u 1000   # only trace UID 1000
               bpf4j execsnoop -t        # include timestamps
               bpf4j execsnoop -q        # add "quotemarks" around arguments
               bpf4j execsnoop -n main   # only print command lines containing "main"
               bpf4j execsnoop -l tpkg   # only print command where arguments contains "tpkg"
               bpf4j execsnoop -c CG     # Trace process under cgroupsPath CG

              -c, --cgroup=/sys/fs/cgroup/unified
                                         Trace process in cgroup path
              -l, --line=LINE            only print commands where arg contains this line
                  --max-args=MAX_ARGS    maximum number of arguments parsed and displayed,
                                         defaults to 20
              -n, --name=NAME            only print commands matching this name, any arg
              -q, --quote                Add quotemarks (") around arguments
              -t, --timestamp            include timestamp on output
              -T, --time                 include time column on output (HH:MM:SS)
              -u, --uid=UID              trace this UID only
              -U, --print-uid            print UID column
              -v, --verbose              Verbose debug output
              -x, --fails                include failed exec()s
              -h, --help                 Give this help list
            """;

    private static final String[] OPTIONS = {
        "-T", "--time", "-t", "--timestamp", "-x", "--fails", "-u", "--uid=", "-q", "--quote", "-n", "--name=",
        "-l", "--line=", "-U", "--print-uid", "", "--max-args=", "-c", "--cgroup=", "-v", "--verbose", "-h", "--help"
    };

    /** Bounds and layout of {@code struct exec_event} (execsnoop.h; the tests check them against the object's BTF). */
    static final int TOTAL_MAX_ARGS = 60, DEFAULT_MAXARGS = 20, TASK_COMM_LEN = 16;
    static final int OFF_PID = 0, OFF_PPID = 4, OFF_UID = 8, OFF_RETVAL = 12, OFF_ARGS_COUNT = 16, OFF_ARGS_SIZE = 20,
            OFF_COMM = 24, OFF_ARGS = 40;

    record Options(boolean time, boolean timestamp, boolean fails, long uid, boolean quote, String name, String line,
                   boolean printUid, int maxArgs, String cgroup) {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        boolean time = false, timestamp = false, fails = false, quote = false, printUid = false;
        long uid = Args.INVALID_UID;
        String name = null, line = null, cgroup = null;
        int maxArgs = DEFAULT_MAXARGS;
        Args a = new Args(argv, 1);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--time" -> time = true;
                case "--timestamp" -> timestamp = true;
                case "--fails" -> fails = true;
                case "--uid" -> uid = a.uidValue("--uid");
                case "--quote" -> quote = true;
                case "--name" -> name = a.value("--name");
                case "--line" -> line = a.value("--line");
                case "--print-uid" -> printUid = true;
                case "--max-args" -> {
                    String v = a.value("--max-args");
                    try {
                        maxArgs = Integer.parseInt(v.trim());
                    } catch (NumberFormatException e) {
                        maxArgs = -1;
                    }
                    if (maxArgs < 1 || maxArgs > TOTAL_MAX_ARGS) {
                        throw new Args.UsageException("Invalid MAX_ARGS " + v + ", should be in [1, " + TOTAL_MAX_ARGS
                                + "] range");
                    }
                }
                case "--cgroup" -> cgroup = a.value("--cgroup");
                case "--verbose" -> { }
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (!a.positional().isEmpty()) throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
        return trace(new Options(time, timestamp, fails, uid, quote, name, line, printUid, maxArgs, cgroup), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/execsnoop.bpf.c
        ExecsnoopSkeleton skel = ExecsnoopSkeleton.open();
        skel.rodata().ignoreFailed(!opt.fails()).targUid((int) opt.uid()).maxArgs(opt.maxArgs())
                .filterCg(opt.cgroup() != null);
        LineBuffer lb = new LineBuffer();
        long[] start = {0};
        try (skel;
             RingBufReader reader = RingBufReader.of(skel.load().events(),
                     (data, offset, length) -> format(lb, opt, start[0], data, offset, length));
             Session session = new Session("execsnoop", out)) {
            if (opt.cgroup() != null) addCgroup(skel.object(), opt.cgroup());
            start[0] = System.nanoTime();
            skel.attach();
            if (opt.time()) lb.left("TIME", 9);
            if (opt.timestamp()) lb.left("TIME(s)", 8).ch(' ');
            if (opt.printUid()) lb.left("UID", 6).ch(' ');
            lb.left("PCOMM", 16).ch(' ').left("PID", 6).ch(' ').left("PPID", 6).ch(' ').right("RET", 3).ch(' ')
                    .text("ARGS").ch('\n');
            lb.flushTo(out);
            while (session.running()) {
                reader.poll(100);
                lb.flushTo(out);
            }
            reader.consume();
            lb.flushTo(out);
            long lost = skel.bss().lostEvents();
            if (lost != 0) err.println("Lost " + Long.toUnsignedString(lost) + " events: the ring buffer was full");
        }
        return 0;
    }

    /** Opens the cgroup directory and puts its fd in cgroup_map[0] for bpf_current_task_under_cgroup. */
    private static void addCgroup(BpfObject obj, String path) {
        long fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = Native.call(SysNr.OPENAT, -100 /* AT_FDCWD */, Os.cstr(arena, path).address(),
                    Os.O_RDONLY | Os.O_CLOEXEC, 0, 0, 0);
        }
        if (fd < 0) throw new BpfException("Failed opening Cgroup path: " + path + ": " + Errors.of("open", (int) -fd, path).getMessage());
        try (Fd cg = new Fd((int) fd); Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT), value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, cg.value());
            obj.map("cgroup_map").update(key, value, 0);
        }
    }

    /** One line, as libbpf-tools' execsnoop prints it. */
    static void format(LineBuffer lb, Options opt, long start, MemorySegment d, long off, int length) {
        if (length < OFF_ARGS) return;
        String comm = null;
        if (opt.name() != null) {
            comm = LineBuffer.cStringBytes(d, off + OFF_COMM, TASK_COMM_LEN);
            if (!comm.contains(opt.name())) return;
        }
        int argsCount = d.get(JAVA_INT, off + OFF_ARGS_COUNT);
        int argsSize = (int) Math.min(Integer.toUnsignedLong(d.get(JAVA_INT, off + OFF_ARGS_SIZE)), length - OFF_ARGS);
        if (opt.line() != null) {
            byte[] args = new byte[argsSize];
            MemorySegment.copy(d, JAVA_BYTE, off + OFF_ARGS, args, 0, argsSize);
            if (!new String(args, java.nio.charset.StandardCharsets.ISO_8859_1).contains(opt.line())) return;
        }
        if (opt.time()) lb.left(Session.clock(), 8).ch(' ');
        if (opt.timestamp()) lb.left(seconds(System.nanoTime() - start), 8);
        if (opt.printUid()) lb.left(Integer.toUnsignedLong(d.get(JAVA_INT, off + OFF_UID)), 6);
        lb.cString(d, off + OFF_COMM, TASK_COMM_LEN, 16).ch(' ')
                .left(d.get(JAVA_INT, off + OFF_PID), 6).ch(' ')
                .left(d.get(JAVA_INT, off + OFF_PPID), 6).ch(' ')
                .right(d.get(JAVA_INT, off + OFF_RETVAL), 3).ch(' ');
        printArgs(lb, opt, d, off + OFF_ARGS, argsSize, argsCount);
        lb.ch('\n');
    }

    /** The argument strings, separated (and followed) by a space, optionally quoted and escaped. */
    static void printArgs(LineBuffer lb, Options opt, MemorySegment d, long at, int size, int count) {
        int seen = 0;
        if (opt.quote()) lb.ch('"');
        for (int i = 0; i < size && seen < count; i++) {
            byte c = d.get(JAVA_BYTE, at + i);
            if (opt.quote()) {
                if (c == 0) {
                    seen++;
                    lb.ch('"').ch(' ');
                    if (seen < count) lb.ch('"');
                } else if (c == '"') {
                    lb.ch('\\').ch('"');
                } else if (c == '\t') {
                    lb.ch('\\').ch('t');
                } else if (c == '\n') {
                    lb.ch('\\').ch('n');
                } else {
                    lb.raw(c);
                }
            } else if (c == 0) {
                seen++;
                lb.ch(' ');
            } else {
                lb.raw(c);
            }
        }
        if (count == opt.maxArgs() + 1) lb.text(" ...");
    }

    /** {@code %.3f} of nanoseconds as seconds. */
    static String seconds(long ns) {
        long ms = Math.round(ns / 1e6);
        long frac = ms % 1000;
        return ms / 1000 + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }
}
