package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfException;
import org.bpf4j.map.MapView;
import org.bpf4j.tools.bpf.BiolatencySkeleton;
import org.bpf4j.tools.bpf.BiolatencySkeleton.Hist;
import org.bpf4j.tools.bpf.BiolatencySkeleton.HistKey;

/**
 * {@code bpf4j biolatency}: block I/O latency as log2 histograms, with the options and output of
 * libbpf-tools' biolatency (tp_btf block_rq_insert/issue/complete).
 */
final class Biolatency extends Tool {
    Biolatency() {
        super("biolatency", "[-T] [-m] [-Q] [-D] [-F] [-d DISK] [-c CG] [interval] [count]",
                "block I/O latency as a histogram", DOC, List.of(
                        TIMESTAMP,
                        MILLISECONDS,
                        new Argp.Opt('Q', "queued", null, "Include OS queued time in I/O time"),
                        new Argp.Opt('D', "disk", null, "Print a histogram per disk device"),
                        new Argp.Opt('F', "flag", null, "Print a histogram per set of I/O flags"),
                        new Argp.Opt('d', "disk", "DISK", "Trace this disk only"),
                        CGROUP));
    }

    static final String DOC = """
            Summarize block device I/O latency as a histogram.

            USAGE: biolatency [--help] [-T] [-m] [-Q] [-D] [-F] [-d DISK] [-c CG]
            [interval] [count]

            EXAMPLES:
                bpf4j biolatency              # summarize block I/O latency as a histogram
                bpf4j biolatency 1 10         # print 1 second summaries, 10 times
                bpf4j biolatency -mT 1        # 1s summaries, milliseconds, and timestamps
                bpf4j biolatency -Q           # include OS queued time in I/O time
                bpf4j biolatency -D           # show each disk device separately
                bpf4j biolatency -F           # show I/O flags separately
                bpf4j biolatency -d sdc       # Trace sdc only
                bpf4j biolatency -c CG        # Trace process under cgroupsPath CG
            """;

    /** libbpf-tools' DISK_NAME_LEN. */
    private static final int DISK_NAME_LEN = 32;

    /** The kernel types the block I/O tools' CO-RE relocations look up (a request's disk). */
    static final String[] BLOCK_TYPES = {"request", "request_queue", "gendisk"};

    @Override
    String[] coreTypes() {
        return BLOCK_TYPES.clone();
    }

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        String disk = diskOption(p, err);
        Interval iv = Interval.of(p);
        boolean perDisk = p.has("D"), perFlag = p.has("F"), millis = p.has("m"), json = p.has("json");
        Map<Integer, String> partitions = partitions();
        BiolatencySkeleton skel = BiolatencySkeleton.open();
        if (disk != null) skel.rodata().filterDev(true).targDev(dev(partitions, disk));
        skel.rodata().targPerDisk(perDisk).targPerFlag(perFlag).targMs(millis).targQueued(p.has("Q"))
                .filterCg(p.has("c"));
        if (p.has("Q")) skel.blockRqInsertSpec().autoload(true);
        try (skel) {
            skel.load();
            if (p.has("c")) skel.cgroupMap().putCgroup(0, p.get("c"));
            skel.attach();
            MapView<HistKey, Hist> hists = skel.hists();
            String units = millis ? "msecs" : "usecs";
            try (Session session = new Session()) {
                if (!json) out.println("Tracing block device I/O... Hit Ctrl-C to end.");
                out.flush();
                session.every(iv.seconds(), iv.times(), () -> {
                    StringBuilder sb = new StringBuilder();
                    String ts = Session.reportHead(sb, p.has("T"), json);
                    for (Map.Entry<HistKey, Hist> e : hists.drain().entrySet()) {
                        HistKey k = e.getKey();
                        String diskName = partitions.getOrDefault(k.dev(), "Unknown");
                        if (json) {
                            Json j = new Json();
                            if (ts != null) j.put("time", ts);
                            if (perDisk) j.put("disk", diskName);
                            if (perFlag) j.put("flags", flags(k.cmdFlags()));
                            sb.append(j.put("unit", units).putRaw("slots", org.bpf4j.tools.Hist.log2Json(e.getValue().slots())))
                                    .append('\n');
                            continue;
                        }
                        if (perDisk) sb.append("\ndisk = ").append(diskName).append('\t');
                        if (perFlag) sb.append("flags = ").append(flags(k.cmdFlags()));
                        sb.append('\n').append(org.bpf4j.tools.Hist.log2(e.getValue().slots(), units));
                    }
                    out.print(sb);
                    out.flush();
                });
            }
        }
        return 0;
    }

    /** The -d DISK of the block I/O tools, checked as libbpf-tools check it ({@code invaild disk name: too long}); null without -d. */
    static String diskOption(Argp.Parsed p, PrintStream err) {
        String disk = p.get("d");
        if (disk != null && disk.length() + 1 > DISK_NAME_LEN) {
            err.println("invaild disk name: too long");
            throw Argp.invalid(null);
        }
        return disk;
    }

    /** The dev_t of the partition called {@code disk} in {@link #partitions()}, or the tools' message. */
    static int dev(Map<Integer, String> partitions, String disk) {
        for (Map.Entry<Integer, String> e : partitions.entrySet()) if (e.getValue().equals(disk)) return e.getKey();
        throw new BpfException("invaild partition name: not exist: " + disk);
    }

    /** /proc/partitions: dev_t as the kernel makes it (major << 20 | minor) to the name. */
    static Map<Integer, String> partitions() {
        Map<Integer, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/partitions"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length != 4 || !f[0].chars().allMatch(Character::isDigit)) continue;
                m.put(Integer.parseInt(f[0]) << 20 | Integer.parseInt(f[1]), f[3]);
            }
        } catch (IOException e) {
            throw new BpfException("failed to load partitions info: /proc/partitions: " + e.getMessage());
        }
        return m;
    }

    /** The request flags' bits (libbpf-tools' blk_types.h: __REQ_SYNC is bit 11) in print_cmd_flags' order. */
    private static final int[] FLAG_BITS = {21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11};
    private static final String[] FLAG_NAMES = {"NoWait-", "Background-", "ReadAhead-", "PreFlush-", "FUA-",
        "Integrity-", "Idle-", "NoMerge-", "Priority-", "Metadata-", "Sync-"};
    /** {@code REQ_OP_*} names by number; the holes print as C's printf prints NULL. */
    private static final String[] OPS = new String[36];

    static {
        String[] named = {"0", "Read", "1", "Write", "2", "Flush", "3", "Discard", "5", "SecureErase", "6", "ZoneReset",
            "7", "WriteSame", "8", "ZoneResetAll", "9", "WriteZeroes", "10", "ZoneOpen", "11", "ZoneClose",
            "12", "ZoneFinish", "32", "SCSIIn", "33", "SCSIOut", "34", "DrvIn", "35", "DrvOut"};
        for (int i = 0; i < named.length; i += 2) OPS[Integer.parseInt(named[i])] = named[i + 1];
    }

    /** print_cmd_flags without its {@code flags = } prefix: {@code Sync-Read}. */
    static String flags(int cmdFlags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FLAG_BITS.length; i++) if ((cmdFlags & (1 << FLAG_BITS[i])) != 0) sb.append(FLAG_NAMES[i]);
        int op = cmdFlags & 0xff;
        sb.append(op < OPS.length ? (OPS[op] == null ? "(null)" : OPS[op]) : "Unknown");
        return sb.toString();
    }
}
