package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.tools.bpf.BiosnoopSkeleton;
import org.bpf4j.tools.bpf.BiosnoopSkeleton.BioEvent;

/**
 * {@code bpf4j biosnoop}: each block I/O request as it completes, with the options and output of
 * libbpf-tools' biosnoop ({@code TIME(s) COMM PID DISK T SECTOR BYTES [QUE(ms)] LAT(ms)}), on
 * the block tracepoints only (libbpf-tools needs fentry or kprobes for the task). Events come
 * through the event buffer.
 */
final class Biosnoop extends Tool {
    Biosnoop() {
        super("biosnoop", "[-d DISK] [-c CG] [-Q] [duration]", "trace block I/O", DOC, List.of(
                new Argp.Opt('Q', "queued", null, "Include OS queued time in I/O time"),
                new Argp.Opt('d', "disk", "DISK", "Trace this disk only"),
                new Argp.Opt('c', "cgroup", "/sys/fs/cgroup/unified/CG", "Trace process in cgroup path")));
    }

    static final String DOC = """
            Trace block I/O.

            USAGE: biosnoop [--help] [-d DISK] [-c CG] [-Q]

            EXAMPLES:
                bpf4j biosnoop              # trace all block I/O
                bpf4j biosnoop -Q           # include OS queued time in I/O time
                bpf4j biosnoop 10           # trace for 10 seconds only
                bpf4j biosnoop -d sdc       # trace sdc only
                bpf4j biosnoop -c CG        # Trace process under cgroupsPath CG
            """;

    static final int TASK_COMM_LEN = 16;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_COMM = off("comm"), OFF_DELTA = off("delta"), OFF_QDELTA = off("qdelta"), OFF_TS = off("ts"),
                OFF_SECTOR = off("sector"), OFF_LEN = off("len"), OFF_PID = off("pid"), OFF_FLAGS = off("cmd_flags"),
                OFF_DEV = off("dev"), SIZE = (int) BioEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) BioEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(boolean queued, String disk, String cgroup, long durationSec, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        String disk = Biolatency.diskOption(p, err);
        if (p.operands().size() > 1) throw Argp.invalid("unrecognized positional argument: " + p.operands().get(1));
        long duration = 0;
        if (!p.operands().isEmpty()) {
            try {
                duration = Long.parseLong(p.operands().get(0));
            } catch (NumberFormatException e) {
                duration = -1;
            }
            if (duration <= 0) throw Argp.invalid("invalid delay (in us): " + p.operands().get(0));
        }
        return trace(new Options(p.has("Q"), disk, p.get("c"), duration, p.has("json")), out, err);
    }

    /** REQ_* bits as libbpf-tools' blk_types.h has them. */
    static final int REQ_OP_MASK = 0xff, REQ_SYNC = 1 << 11, REQ_META = 1 << 12, REQ_FUA = 1 << 17,
            REQ_PREFLUSH = 1 << 18, REQ_RAHEAD = 1 << 19;

    /** The rwbs column: blk_fill_rwbs of libbpf-tools' biosnoop ({@code R}, {@code WS}, {@code FWFS}...). */
    static String rwbs(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & REQ_PREFLUSH) != 0) sb.append('F');
        switch (flags & REQ_OP_MASK) {
            case 1, 7 -> sb.append('W'); // WRITE, WRITE_SAME
            case 3 -> sb.append('D'); // DISCARD
            case 5 -> sb.append("DE"); // SECURE_ERASE
            case 2 -> sb.append('F'); // FLUSH
            case 0 -> sb.append('R');
            default -> sb.append('N');
        }
        if ((flags & REQ_FUA) != 0) sb.append('F');
        if ((flags & REQ_RAHEAD) != 0) sb.append('A');
        if ((flags & REQ_SYNC) != 0) sb.append('S');
        if ((flags & REQ_META) != 0) sb.append('M');
        return sb.toString();
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        Map<Integer, String> partitions = Biolatency.partitions();
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/biosnoop.bpf.c
        BiosnoopSkeleton skel = BiosnoopSkeleton.open();
        skel.rodata().targQueued(opt.queued()).filterCg(opt.cgroup() != null).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        if (opt.disk() != null) skel.rodata().filterDev(true).targDev(Biolatency.dev(partitions, opt.disk()));
        // the task that started the I/O: block_io_start where the kernel has it (6.5+)
        if (Btf.kernel().find("btf_trace_block_io_start", BtfKind.TYPEDEF) > 0) skel.blockIoStartSpec().autoload(true);
        LineBuffer lb = new LineBuffer();
        long[] start = {0};
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, partitions, start, data, offset, length), err);
             Session session = new Session()) {
            if (opt.cgroup() != null) skel.cgroupMap().putCgroup(0, opt.cgroup());
            skel.attach();
            if (!opt.json()) {
                lb.left("TIME(s)", 11).ch(' ').left("COMM", 14).ch(' ').left("PID", 7).ch(' ').left("DISK", 7).ch(' ')
                        .left("T", 4).ch(' ').left("SECTOR", 10).ch(' ').left("BYTES", 7).ch(' ');
                if (opt.queued()) lb.right("QUE(ms)", 7).ch(' ');
                lb.right("LAT(ms)", 7).ch('\n');
            }
            long end = opt.durationSec() > 0 ? System.nanoTime() + opt.durationSec() * 1_000_000_000L : 0;
            lb.flushTo(out);
            while (session.running() && (end == 0 || System.nanoTime() < end)) {
                reader.poll(100);
                lb.flushTo(out);
            }
            reader.consume();
            lb.flushTo(out);
            long errors = skel.bss().outputErrors();
            if (errors != 0) err.println(errors + " events could not be written to the event buffer");
        }
        return 0;
    }

    static String ms(long ns) {
        return String.format(Locale.ROOT, "%7.3f", ns / 1e6);
    }

    /** One line, as libbpf-tools' biosnoop prints it; TIME(s) counts from the first event ({@code start[0]}). */
    static void format(LineBuffer lb, Options opt, Map<Integer, String> partitions, long[] start, MemorySegment d, long off,
                       int length) {
        if (length < Layout.SIZE) return;
        long ts = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TS);
        if (start[0] == 0) start[0] = ts;
        String disk = partitions.getOrDefault(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_DEV), "Unknown");
        int flags = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_FLAGS), pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        long sector = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_SECTOR),
                len = Integer.toUnsignedLong(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_LEN)),
                delta = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DELTA), qdelta = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_QDELTA);
        String time = String.format(Locale.ROOT, "%.6f", (ts - start[0]) / 1e9);
        if (opt.json()) {
            Json j = new Json().putRaw("time", time).put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN))
                    .put("pid", pid).put("disk", disk).put("rwbs", rwbs(flags)).put("sector", sector).put("bytes", len);
            if (opt.queued()) j.putRaw("que_ms", qdelta == -1 ? "-1" : ms(qdelta).trim());
            lb.text(j.putRaw("lat_ms", ms(delta).trim()).toString()).ch('\n');
            return;
        }
        lb.left(time, 11).ch(' ').cString(d, off + Layout.OFF_COMM, 14, 14).ch(' ').left(pid, 7).ch(' ').left(disk, 7).ch(' ')
                .left(rwbs(flags), 4).ch(' ').left(sector, 10).ch(' ').left(len, 7).ch(' ');
        if (opt.queued()) lb.text(qdelta == -1 ? String.format(Locale.ROOT, "%7.3f", -1.0) : ms(qdelta)).ch(' ');
        lb.text(ms(delta)).ch('\n');
    }
}
