package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.sys.Errno;
import org.bpf4j.tools.bpf.MountsnoopSkeleton;
import org.bpf4j.tools.bpf.MountsnoopSkeleton.MountEvent;

/**
 * {@code bpf4j mountsnoop}: traces the mount and umount syscalls with the options and output of
 * libbpf-tools' mountsnoop ({@code COMM PID TID MNT_NS CALL}, the call as C source with its
 * result; {@code -d}: one line per field). Events come through the event buffer.
 */
final class Mountsnoop extends Tool {
    Mountsnoop() {
        super("mountsnoop", "[-t] [-p PID] [-d]", "trace mount and umount syscalls", DOC, List.of(
                new Argp.Opt('d', "detailed", null, "Output result in detail mode"),
                new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                new Argp.Opt('t', "timestamp", null, "Include timestamp on output")));
    }

    static final String DOC = """
            Trace mount and umount syscalls.

            USAGE: mountsnoop [-h] [-t] [-p PID] [-v]

            EXAMPLES:
                bpf4j mountsnoop         # trace mount and umount syscalls
                bpf4j mountsnoop -d      # detailed output (one line per column value)
                bpf4j mountsnoop -p 1216 # only trace PID 1216
            """;

    static final int TASK_COMM_LEN = 16, FS_NAME_LEN = 8, DATA_LEN = 512, PATH_MAX = 4096;
    static final int OP_MOUNT = 0, OP_UMOUNT = 1;

    /** The MS_* flag names by bit, as libbpf-tools prints them. */
    static final String[] FLAGS = {"MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_SYNCHRONOUS", "MS_REMOUNT",
            "MS_MANDLOCK", "MS_DIRSYNC", "MS_NOSYMFOLLOW", "MS_NOATIME", "MS_NODIRATIME", "MS_BIND", "MS_MOVE", "MS_REC",
            "MS_VERBOSE", "MS_SILENT", "MS_POSIXACL", "MS_UNBINDABLE", "MS_PRIVATE", "MS_SLAVE", "MS_SHARED",
            "MS_RELATIME", "MS_KERNMOUNT", "MS_I_VERSION", "MS_STRICTATIME", "MS_LAZYTIME", "MS_SUBMOUNT",
            "MS_NOREMOTELOCK", "MS_NOSEC", "MS_BORN", "MS_ACTIVE", "MS_NOUSER"};

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_DELTA = off("delta"), OFF_FLAGS = off("flags"), OFF_PID = off("pid"), OFF_TID = off("tid"),
                OFF_MNT_NS = off("mnt_ns"), OFF_RET = off("ret"), OFF_OP = off("op"), OFF_COMM = off("comm"),
                OFF_FS = off("fs"), OFF_SRC = off("src"), OFF_DEST = off("dest"), OFF_DATA = off("data"),
                SIZE = (int) MountEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) MountEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, boolean timestamp, boolean detailed, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        return trace(new Options(pid, p.has("t"), p.has("d"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/mountsnoop.bpf.c
        MountsnoopSkeleton skel = MountsnoopSkeleton.open();
        skel.rodata().targetPid(opt.pid()).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            skel.attach();
            if (!opt.json() && !opt.detailed()) {
                if (opt.timestamp()) lb.left("TIME", 8).ch(' ');
                lb.left("COMM", 16).ch(' ').left("PID", 7).ch(' ').left("TID", 7).ch(' ').left("MNT_NS", 11).ch(' ')
                        .text("CALL").ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** The flags as {@code MS_A | MS_B}, or {@code 0x0}. */
    static String flags(long flags) {
        if (flags == 0) return "0x0";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FLAGS.length; i++) {
            if ((flags & (1L << i)) == 0) continue;
            if (!sb.isEmpty()) sb.append(" | ");
            sb.append(FLAGS[i]);
        }
        return sb.toString();
    }

    /** The result: {@code 0}, {@code -ENOENT}, or the number when the errno has no name. */
    static String result(int ret) {
        if (ret == 0) return "0";
        String name = ret < 0 ? Errno.name(-ret) : null;
        return name == null || name.startsWith("errno ") ? Integer.toString(ret) : "-" + name;
    }

    static String str(MemorySegment d, long off, int max) {
        return LineBuffer.cStringBytes(d, off, max);
    }

    /** The call as libbpf-tools writes it: {@code mount("src", "dest", "fs", FLAGS, "data") = RESULT}. */
    static String call(MemorySegment d, long off) {
        int op = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_OP), ret = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_RET);
        String fl = flags(d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_FLAGS));
        String dest = str(d, off + Layout.OFF_DEST, PATH_MAX);
        if (op == OP_UMOUNT) return "umount(\"" + dest + "\", " + fl + ") = " + result(ret);
        return "mount(\"" + str(d, off + Layout.OFF_SRC, PATH_MAX) + "\", \"" + dest + "\", \""
                + str(d, off + Layout.OFF_FS, FS_NAME_LEN) + "\", " + fl + ", \"" + str(d, off + Layout.OFF_DATA, DATA_LEN)
                + "\") = " + result(ret);
    }

    /** {@code s} (the kernel's bytes as ISO-8859-1 chars) written back as those bytes. */
    static LineBuffer latin1(LineBuffer lb, String s) {
        for (int i = 0; i < s.length(); i++) lb.raw((byte) s.charAt(i));
        return lb;
    }

    /** One event, as libbpf-tools' mountsnoop prints it: a line, or with -d a block of lines. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID), tid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_TID),
                op = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_OP), ret = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_RET);
        long mntNs = Integer.toUnsignedLong(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_MNT_NS));
        long flags = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_FLAGS);
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.put("time", Session.clock());
            j.put("comm", str(d, off + Layout.OFF_COMM, TASK_COMM_LEN)).put("pid", pid).put("tid", tid).put("mnt_ns", mntNs)
                    .put("op", op == OP_UMOUNT ? "UMOUNT" : "MOUNT").put("ret", ret).put("result", result(ret))
                    .put("lat_us", d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DELTA) / 1000);
            if (op != OP_UMOUNT) {
                j.put("fs", str(d, off + Layout.OFF_FS, FS_NAME_LEN)).put("source", str(d, off + Layout.OFF_SRC, PATH_MAX));
            }
            j.put("target", str(d, off + Layout.OFF_DEST, PATH_MAX));
            if (op != OP_UMOUNT) j.put("data", str(d, off + Layout.OFF_DATA, DATA_LEN));
            lb.text(j.put("flags", flags).put("flag_names", flags(flags)).put("call", call(d, off)).toString()).ch('\n');
            return;
        }
        String indent = "";
        if (opt.timestamp()) {
            lb.text(Session.clock()).ch(' ');
            indent = "    ";
        }
        if (!opt.detailed()) {
            lb.cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ').left(pid, 7).ch(' ').left(tid, 7).ch(' ')
                    .left(mntNs, 11).ch(' ');
            latin1(lb, call(d, off)).ch('\n');
            return;
        }
        if (opt.timestamp()) lb.ch('\n');
        latin1(lb, indent + "PID:    " + pid + "\n" + indent + "TID:    " + tid + "\n"
                + indent + "COMM:   " + str(d, off + Layout.OFF_COMM, TASK_COMM_LEN) + "\n"
                + indent + "OP:     " + (op == OP_UMOUNT ? "UMOUNT" : "MOUNT") + "\n"
                + indent + "RET:    " + result(ret) + "\n"
                + indent + "LAT:    " + d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DELTA) / 1000 + "us\n"
                + indent + "MNT_NS: " + mntNs + "\n"
                + indent + "FS:     " + str(d, off + Layout.OFF_FS, FS_NAME_LEN) + "\n"
                + indent + "SOURCE: " + str(d, off + Layout.OFF_SRC, PATH_MAX) + "\n"
                + indent + "TARGET: " + str(d, off + Layout.OFF_DEST, PATH_MAX) + "\n"
                + indent + "DATA:   " + str(d, off + Layout.OFF_DATA, DATA_LEN) + "\n"
                + indent + "FLAGS:  " + flags(flags) + "\n\n");
    }
}
