package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import org.bpf4j.link.Tracefs;
import org.bpf4j.perf.PerfBufReader;
import org.bpf4j.tools.bpf.OpensnoopSkeleton;

/**
 * {@code bpf4j opensnoop}: traces open, openat and openat2 with the options and output of
 * libbpf-tools' opensnoop ({@code PID COMM FD ERR PATH}; {@code -e} adds the open flags, as
 * libbpf-tools 0.26 prints them: later versions also print the mode). Events come through a perf
 * buffer.
 */
final class Opensnoop {
    private Opensnoop() {}

    static final String HELP = """
            Usage: bpf4j opensnoop [OPTION...]
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

              -d, --duration=DURATION    Duration to trace
              -e, --extended-fields      Print extended fields
              -n, --name=NAME            Trace process names containing this
              -p, --pid=PID              Process ID to trace
              -t, --tid=TID              Thread ID to trace
              -T, --timestamp            Print timestamp
              -u, --uid=UID              User ID to trace
              -U, --print-uid            Print UID
              -v, --verbose              Verbose debug output
              -x, --failed               Failed opens only
              -h, --help                 Give this help list
            """;

    private static final String[] OPTIONS = {
        "-d", "--duration=", "-e", "--extended-fields", "-n", "--name=", "-p", "--pid=", "-t", "--tid=",
        "-T", "--timestamp", "-u", "--uid=", "-U", "--print-uid", "-v", "--verbose", "-x", "--failed", "-h", "--help"
    };

    /** Layout of {@code struct open_event} (opensnoop.h; the tests check it against the object's BTF). */
    static final int OFF_PID = 0, OFF_UID = 4, OFF_RET = 8, OFF_FLAGS = 12, OFF_MODE = 16, OFF_COMM = 20,
            OFF_FNAME = 36, TASK_COMM_LEN = 16, NAME_MAX = 255;

    record Options(int pid, int tid, long uid, int duration, boolean timestamp, boolean printUid, boolean extended,
                   boolean failed, String name) {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        int pid = 0, tid = 0, duration = 0;
        long uid = Args.INVALID_UID;
        boolean timestamp = false, printUid = false, extended = false, failed = false;
        String name = null;
        Args a = new Args(argv, 1);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--duration" -> duration = positive(a, "--duration", "Invalid duration: ");
                case "--extended-fields" -> extended = true;
                case "--name" -> name = a.value("--name");
                case "--pid" -> pid = positive(a, "--pid", "Invalid PID: ");
                case "--tid" -> tid = positive(a, "--tid", "Invalid TID: ");
                case "--timestamp" -> timestamp = true;
                case "--uid" -> uid = a.uidValue("--uid");
                case "--print-uid" -> printUid = true;
                case "--verbose" -> { }
                case "--failed" -> failed = true;
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (a.positional().size() > 1) {
            throw new Args.UsageException("Unrecognized positional argument: " + a.positional().get(1));
        }
        return trace(new Options(pid, tid, uid, duration, timestamp, printUid, extended, failed, name), out, err);
    }

    private static int positive(Args a, String option, String message) {
        String v = a.value(option);
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n <= 0 || n > Integer.MAX_VALUE) throw new Args.UsageException(message + v);
        return (int) n;
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/opensnoop.bpf.c
        OpensnoopSkeleton skel = OpensnoopSkeleton.open();
        skel.rodata().targTgid(opt.pid()).targPid(opt.tid()).targUid((int) opt.uid()).targFailed(opt.failed());
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
             // the per-CPU events must be in the map before the programs run: until then, output fails
             PerfBufReader reader = PerfBufReader.builder(skel.load().events())
                     .onLost((cpu, n) -> err.println("Lost " + n + " events on CPU #" + cpu + "!"))
                     .open((cpu, data, offset, length) -> format(lb, opt, data, offset, length));
             Session session = new Session("opensnoop", out)) {
            skel.attach();
            if (opt.timestamp()) lb.left("TIME", 8).ch(' ');
            if (opt.printUid()) lb.left("UID", 7).ch(' ');
            lb.left("PID", 6).ch(' ').left("COMM", 16).ch(' ').right("FD", 3).ch(' ').right("ERR", 3).ch(' ');
            if (opt.extended()) lb.left("FLAGS", 8).ch(' ');
            lb.text("PATH").ch('\n');
            lb.flushTo(out);
            long end = opt.duration() > 0 ? System.nanoTime() + opt.duration() * 1_000_000_000L : 0;
            while (session.running()) {
                reader.poll(100);
                lb.flushTo(out);
                if (end != 0 && System.nanoTime() - end > 0) break;
            }
            long errors = skel.bss().outputErrors();
            if (errors != 0) {
                err.println(errors + " events could not be written to the perf buffer (last error "
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
        if (length < OFF_FNAME) return;
        if (opt.name() != null && !LineBuffer.cStringBytes(d, off + OFF_COMM, TASK_COMM_LEN).contains(opt.name())) return;
        int ret = d.get(JAVA_INT_UNALIGNED, off + OFF_RET);
        int fd = ret >= 0 ? ret : -1, errno = ret >= 0 ? 0 : -ret;
        if (opt.timestamp()) lb.left(Session.clock(), 8).ch(' ');
        if (opt.printUid()) lb.left(Integer.toUnsignedLong(d.get(JAVA_INT_UNALIGNED, off + OFF_UID)), 7).ch(' ');
        lb.left(d.get(JAVA_INT_UNALIGNED, off + OFF_PID), 6).ch(' ')
                .cString(d, off + OFF_COMM, TASK_COMM_LEN, 16).ch(' ')
                .right(fd, 3).ch(' ').right(errno, 3).ch(' ');
        if (opt.extended()) lb.right(Integer.toOctalString(d.get(JAVA_INT_UNALIGNED, off + OFF_FLAGS)), 8, '0').ch(' ');
        lb.cString(d, off + OFF_FNAME, Math.min(NAME_MAX, length - OFF_FNAME), 0).ch('\n');
    }
}
