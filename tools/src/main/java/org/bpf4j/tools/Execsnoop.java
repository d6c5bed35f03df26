package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.PrintStream;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.tools.bpf.ExecsnoopSkeleton;
import org.bpf4j.tools.bpf.ExecsnoopSkeleton.ExecEvent;

/**
 * {@code bpf4j execsnoop}: traces execve with the options and output of libbpf-tools' execsnoop
 * ({@code PCOMM PID PPID RET ARGS}). Events come through a BPF ring buffer.
 */
final class Execsnoop extends Tool {
    Execsnoop() {
        super("execsnoop", "[-T] [-t] [-x] [-u UID] [-q] [-n NAME] [-l LINE] [-U] [-c CG] [--max-args N]",
                "trace exec() calls (ring buffer)", DOC, List.of(
                        new Argp.Opt('T', "time", null, "include time column on output (HH:MM:SS)"),
                        new Argp.Opt('t', "timestamp", null, "include timestamp on output"),
                        new Argp.Opt('x', "fails", null, "include failed exec()s"),
                        new Argp.Opt('u', "uid", "UID", "trace this UID only"),
                        new Argp.Opt('q', "quote", null, "Add quotemarks (\") around arguments"),
                        new Argp.Opt('n', "name", "NAME", "only print commands matching this name, any arg"),
                        new Argp.Opt('l', "line", "LINE", "only print commands where arg contains this line"),
                        new Argp.Opt('U', "print-uid", null, "print UID column"),
                        new Argp.Opt('\0', "max-args", "MAX_ARGS",
                                "maximum number of arguments parsed and displayed, defaults to 20"),
                        CGROUP));
    }

    static final String DOC = """
            Trace exec syscalls

            USAGE: execsnoop [-h] [-T] [-t] [-x] [-u UID] [-q] [-n NAME] [-l LINE] [-U] [-c
            CG]
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
            """;

    /** Bounds of execsnoop.h. */
    static final int TOTAL_MAX_ARGS = 60, DEFAULT_MAXARGS = 20, TASK_COMM_LEN = 16;
    /**
     * The event's layout, from the skeleton's record; a holder class, so that the record's layout
     * is built when the tool runs, not when the registry lists it.
     */
    static final class Layout {
        private Layout() {}

        static final int OFF_PID = off("pid"), OFF_PPID = off("ppid"), OFF_UID = off("uid"), OFF_RETVAL = off("retval"),
                OFF_ARGS_COUNT = off("args_count"), OFF_ARGS_SIZE = off("args_size"), OFF_COMM = off("comm"),
                OFF_ARGS = off("args");

        private static int off(String member) {
            return (int) ExecEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(boolean time, boolean timestamp, boolean fails, long uid, boolean quote, String name, String line,
                   boolean printUid, int maxArgs, String cgroup, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int maxArgs = DEFAULT_MAXARGS;
        if (p.has("max-args")) {
            String v = p.get("max-args");
            try {
                maxArgs = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                maxArgs = -1;
            }
            if (maxArgs < 1 || maxArgs > TOTAL_MAX_ARGS) {
                throw Argp.invalid("Invalid MAX_ARGS " + v + ", should be in [1, " + TOTAL_MAX_ARGS + "] range");
            }
        }
        long uid = p.has("u") ? uid(p.get("u")) : INVALID_UID;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(p.has("T"), p.has("t"), p.has("x"), uid, p.has("q"), p.get("n"), p.get("l"),
                p.has("U"), maxArgs, p.get("c"), p.has("json")), out, err);
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
             Session session = new Session()) {
            if (opt.cgroup() != null) skel.cgroupMap().putCgroup(0, opt.cgroup());
            start[0] = System.nanoTime();
            skel.attach();
            if (!opt.json()) header(lb, opt);
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

    /** The column header (no header with --json: one object per event). */
    private static void header(LineBuffer lb, Options opt) {
        if (opt.time()) lb.left("TIME", 9);
        if (opt.timestamp()) lb.left("TIME(s)", 8).ch(' ');
        if (opt.printUid()) lb.left("UID", 6).ch(' ');
        lb.left("PCOMM", 16).ch(' ').left("PID", 6).ch(' ').left("PPID", 6).ch(' ').right("RET", 3).ch(' ')
                .text("ARGS").ch('\n');
    }

    /** One line, as libbpf-tools' execsnoop prints it. */
    static void format(LineBuffer lb, Options opt, long start, MemorySegment d, long off, int length) {
        if (length < Layout.OFF_ARGS) return;
        String comm = null;
        if (opt.name() != null) {
            comm = LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN);
            if (!comm.contains(opt.name())) return;
        }
        int argsCount = d.get(JAVA_INT, off + Layout.OFF_ARGS_COUNT);
        int argsSize = (int) Math.min(Integer.toUnsignedLong(d.get(JAVA_INT, off + Layout.OFF_ARGS_SIZE)), length - Layout.OFF_ARGS);
        if (opt.line() != null) {
            byte[] args = new byte[argsSize];
            MemorySegment.copy(d, JAVA_BYTE, off + Layout.OFF_ARGS, args, 0, argsSize);
            if (!new String(args, java.nio.charset.StandardCharsets.ISO_8859_1).contains(opt.line())) return;
        }
        if (opt.json()) {
            byte[] args = new byte[argsSize];
            MemorySegment.copy(d, JAVA_BYTE, off + Layout.OFF_ARGS, args, 0, argsSize);
            Json j = new Json();
            if (opt.time()) j.put("time", Session.clock());
            if (opt.timestamp()) j.put("timestamp", seconds(System.nanoTime() - start));
            if (opt.printUid()) j.put("uid", Integer.toUnsignedLong(d.get(JAVA_INT, off + Layout.OFF_UID)));
            j.put("pcomm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).put("pid", d.get(JAVA_INT, off + Layout.OFF_PID))
                    .put("ppid", d.get(JAVA_INT, off + Layout.OFF_PPID)).put("ret", d.get(JAVA_INT, off + Layout.OFF_RETVAL))
                    .put("args", new String(args, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').strip());
            lb.text(j.toString()).ch('\n');
            return;
        }
        if (opt.time()) lb.left(Session.clock(), 8).ch(' ');
        if (opt.timestamp()) lb.left(seconds(System.nanoTime() - start), 8);
        if (opt.printUid()) lb.left(Integer.toUnsignedLong(d.get(JAVA_INT, off + Layout.OFF_UID)), 6);
        lb.cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ')
                .left(d.get(JAVA_INT, off + Layout.OFF_PID), 6).ch(' ')
                .left(d.get(JAVA_INT, off + Layout.OFF_PPID), 6).ch(' ')
                .right(d.get(JAVA_INT, off + Layout.OFF_RETVAL), 3).ch(' ');
        printArgs(lb, opt, d, off + Layout.OFF_ARGS, argsSize, argsCount);
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
