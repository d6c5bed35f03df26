package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.nio.file.Files;
import org.bpf4j.link.Tracefs;
import org.bpf4j.tools.bpf.OpensnoopSkeleton;
import org.bpf4j.tools.bpf.OpensnoopSkeleton.OpenEvent;

/**
 * {@code bpf4j opensnoop}: traces open, openat and openat2 with the options and output of
 * libbpf-tools' opensnoop ({@code PID COMM FD ERR PATH}; {@code -e} adds the open flags, as
 * libbpf-tools 0.26 prints them: later versions also print the mode). Events come through the
 * event buffer: a ring buffer where the kernel has them, a perf buffer otherwise.
 */
final class Opensnoop extends Tool {
    Opensnoop() {
        super("opensnoop", "[-T] [-U] [-x] [-p PID] [-t TID] [-u UID] [-d DURATION] [-n NAME] [-e]",
                "trace open() calls", DOC, List.of(
                        new Argp.Opt('d', "duration", "DURATION", "Duration to trace"),
                        new Argp.Opt('e', "extended-fields", null, "Print extended fields"),
                        new Argp.Opt('n', "name", "NAME", "Trace process names containing this"),
                        new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                        new Argp.Opt('t', "tid", "TID", "Thread ID to trace"),
                        new Argp.Opt('T', "timestamp", null, "Print timestamp"),
                        new Argp.Opt('u', "uid", "UID", "User ID to trace"),
                        new Argp.Opt('U', "print-uid", null, "Print UID"),
                        new Argp.Opt('x', "failed", null, "Failed opens only")));
    }

    static final String DOC = """
            Trace open family syscalls

            USAGE: opensnoop [-h] [-T] [-U] [-x] [-p PID] [-t TID] [-u UID] [-d DURATION]
                             [-n NAME] [-e]

            EXAMPLES:
                bpf4j opensnoop           # trace all open() syscalls
                bpf4j opensnoop -T        # include timestamps
                bpf4j opensnoop -U        # include UID
                bpf4j opensnoop -x        # only show failed opens
                bpf4j opensnoop -p 181    # only trace PID 181
                bpf4j opensnoop -t 123    # only trace TID 123
                bpf4j opensnoop -u 1000   # only trace UID 1000
                bpf4j opensnoop -d 10     # trace for 10 seconds only
                bpf4j opensnoop -n main   # only print process names containing "main"
                bpf4j opensnoop -e        # show extended fields
            """;

    static final int TASK_COMM_LEN = 16, NAME_MAX = 255;

    /**
     * The event's layout, from the skeleton's record; a holder class, so that the record's layout
     * is built when the tool runs, not when the registry lists it.
     */
    static final class Layout {
        private Layout() {}

        static final int OFF_PID = off("pid"), OFF_UID = off("uid"), OFF_RET = off("ret"), OFF_FLAGS = off("flags"),
                OFF_MODE = off("mode"), OFF_COMM = off("comm"), OFF_FNAME = off("fname");

        private static int off(String member) {
            return (int) OpenEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, int tid, long uid, int duration, boolean timestamp, boolean printUid, boolean extended,
                   boolean failed, String name, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int duration = p.has("d") ? positive(p.get("d"), "Invalid duration: ") : 0;
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        int tid = p.has("t") ? positive(p.get("t"), "Invalid TID: ") : 0;
        long uid = p.has("u") ? uid(p.get("u")) : INVALID_UID;
        if (p.operands().size() > 1) throw Argp.invalid("Unrecognized positional argument: " + p.operands().get(1));
        return trace(new Options(pid, tid, uid, duration, p.has("T"), p.has("U"), p.has("e"), p.has("x"), p.get("n"),
                p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/opensnoop.bpf.c
        OpensnoopSkeleton skel = OpensnoopSkeleton.open();
        skel.rodata().targTgid(opt.pid()).targPid(opt.tid()).targUid((int) opt.uid()).targFailed(opt.failed())
                .useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        // open(2) is missing on arm64 and riscv64; openat2(2) came with Linux 5.6
        if (!tracepointExists("sys_enter_open")) {
            skel.onOpenEnterSpec().autoload(false);
            skel.onOpenExitSpec().autoload(false);
        }
        if (!tracepointExists("sys_enter_openat2")) {
            skel.onOpenat2EnterSpec().autoload(false);
            skel.onOpenat2ExitSpec().autoload(false);
        }
        LineBuffer lb = new LineBuffer();
        try (skel;
             // a perf buffer's per-CPU events must be in the map before the programs run
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!opt.json()) {
                if (opt.timestamp()) lb.left("TIME", 8).ch(' ');
                if (opt.printUid()) lb.left("UID", 7).ch(' ');
                lb.left("PID", 6).ch(' ').left("COMM", 16).ch(' ').right("FD", 3).ch(' ').right("ERR", 3).ch(' ');
                if (opt.extended()) lb.left("FLAGS", 8).ch(' ');
                lb.text("PATH").ch('\n');
            }
            lb.flushTo(out);
            long end = opt.duration() > 0 ? System.nanoTime() + opt.duration() * 1_000_000_000L : 0;
            while (session.running()) {
                reader.poll(100);
                lb.flushTo(out);
                if (end != 0 && System.nanoTime() - end > 0) break;
            }
            long errors = skel.bss().outputErrors();
            if (errors != 0) {
                err.println(errors + " events could not be written to the " + (reader.ring() ? "ring" : "perf")
                        + " buffer (last error "
                        + skel.bss().lastOutputError() + ")");
            }
        }
        return 0;
    }

    private static boolean tracepointExists(String name) {
        return Files.isDirectory(Tracefs.root().resolve("events/syscalls").resolve(name));
    }

    /** One line, as libbpf-tools' opensnoop prints it. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.OFF_FNAME) return;
        if (opt.name() != null && !LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN).contains(opt.name())) return;
        int ret = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_RET);
        int fd = ret >= 0 ? ret : -1, errno = ret >= 0 ? 0 : -ret;
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.put("time", Session.clock());
            if (opt.printUid()) j.put("uid", Integer.toUnsignedLong(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_UID)));
            j.put("pid", d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID))
                    .put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).put("fd", fd).put("err", errno);
            if (opt.extended()) j.put("flags", Integer.toOctalString(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_FLAGS)));
            j.put("path", LineBuffer.cStringBytes(d, off + Layout.OFF_FNAME, Math.min(NAME_MAX, length - Layout.OFF_FNAME)));
            lb.text(j.toString()).ch('\n');
            return;
        }
        if (opt.timestamp()) lb.left(Session.clock(), 8).ch(' ');
        if (opt.printUid()) lb.left(Integer.toUnsignedLong(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_UID)), 7).ch(' ');
        lb.left(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), 6).ch(' ')
                .cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ')
                .right(fd, 3).ch(' ').right(errno, 3).ch(' ');
        if (opt.extended()) lb.right(Integer.toOctalString(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_FLAGS)), 8, '0').ch(' ');
        lb.cString(d, off + Layout.OFF_FNAME, Math.min(NAME_MAX, length - Layout.OFF_FNAME), 0).ch('\n');
    }
}
