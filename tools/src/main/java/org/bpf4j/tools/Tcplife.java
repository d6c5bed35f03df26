package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import org.bpf4j.tools.bpf.TcplifeSkeleton;
import org.bpf4j.tools.bpf.TcplifeSkeleton.TcplifeEvent;

/**
 * {@code bpf4j tcplife}: TCP sessions as they close (sock:inet_sock_set_state) with the options
 * and output of libbpf-tools' tcplife ({@code PID COMM LADDR LPORT RADDR RPORT TX_KB RX_KB MS}).
 * Events come through the event buffer.
 */
final class Tcplife extends Tool {
    Tcplife() {
        super("tcplife", "[-p PID] [-4] [-6] [-L lport] [-D dport] [-T] [-w]", "trace the lifespan of TCP sessions", DOC,
                List.of(new Argp.Opt('p', "pid", "PID", "Process ID to trace"),
                        new Argp.Opt('4', "ipv4", null, "Trace IPv4 only"),
                        new Argp.Opt('6', "ipv6", null, "Trace IPv6 only"),
                        new Argp.Opt('w', "wide", null, "Wide column output (fits IPv6 addresses)"),
                        new Argp.Opt('T', "time", null, "Include timestamp on output"),
                        new Argp.Opt('L', "localport", "LOCALPORT", "Comma-separated list of local ports to trace."),
                        new Argp.Opt('D', "remoteport", "REMOTEPORT", "Comma-separated list of remote ports to trace.")));
    }

    static final String DOC = """
            Trace the lifespan of TCP sessions and summarize.

            USAGE: tcplife [-h] [-p PID] [-4] [-6] [-L] [-D] [-T] [-w]

            EXAMPLES:
                bpf4j tcplife -p 1215             # only trace PID 1215
                bpf4j tcplife -p 1215 -4          # trace IPv4 only
            """;

    static final int TASK_COMM_LEN = 16;

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_SADDR = off("saddr"), OFF_DADDR = off("daddr"), OFF_SPAN = off("span_us"), OFF_RX = off("rx_b"),
                OFF_TX = off("tx_b"), OFF_PID = off("pid"), OFF_SPORT = off("sport"), OFF_DPORT = off("dport"),
                OFF_FAMILY = off("family"), OFF_COMM = off("comm"), SIZE = (int) TcplifeEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) TcplifeEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int pid, int family, List<Integer> lports, List<Integer> rports, boolean timestamp, boolean wide,
                   boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        int pid = p.has("p") ? positive(p.get("p"), "Invalid PID: ") : 0;
        int family = p.has("6") ? Inet.AF_INET6 : p.has("4") ? Inet.AF_INET : 0;
        return trace(new Options(pid, family, p.has("L") ? Inet.ports(p.get("L")) : List.of(),
                p.has("D") ? Inet.ports(p.get("D")) : List.of(), p.has("T"), p.has("w"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/tcplife.bpf.c
        TcplifeSkeleton skel = TcplifeSkeleton.open();
        skel.rodata().targetPid(opt.pid()).targetFamily((short) opt.family()).filterLport(!opt.lports().isEmpty())
                .filterRport(!opt.rports().isEmpty()).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        int width = opt.wide() ? 26 : 15;
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, width, data, offset, length), err);
             Session session = new Session()) {
            for (int port : opt.lports()) skel.lports().put(port, 1);
            for (int port : opt.rports()) skel.rports().put(port, 1);
            skel.attach();
            if (!opt.json()) {
                if (opt.timestamp()) lb.left("TIME(s)", 8).ch(' ');
                lb.left("PID", 7).ch(' ').left("COMM", 16).ch(' ').left("LADDR", width).ch(' ').left("LPORT", 5).ch(' ')
                        .left("RADDR", width).ch(' ').left("RPORT", 5).ch(' ').left("TX_KB", 6).ch(' ').left("RX_KB", 6).ch(' ')
                        .text("MS").ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    /** One line, as libbpf-tools' tcplife prints it (KB of 1024 bytes, the span in ms). */
    static void format(LineBuffer lb, Options opt, int width, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int family = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_FAMILY));
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        int sport = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_SPORT)),
                dport = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_DPORT));
        String saddr = Inet.ntop(family, d, off + Layout.OFF_SADDR), daddr = Inet.ntop(family, d, off + Layout.OFF_DADDR);
        long tx = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_TX), rx = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_RX),
                span = d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_SPAN);
        String ms = String.format(Locale.ROOT, "%.2f", span / 1000.0);
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.put("time", Session.clock());
            lb.text(j.put("pid", pid).put("comm", LineBuffer.cStringBytes(d, off + Layout.OFF_COMM, TASK_COMM_LEN))
                    .put("ip", family == Inet.AF_INET ? 4 : 6).put("laddr", saddr).put("lport", sport).put("raddr", daddr)
                    .put("rport", dport).putUnsigned("tx_bytes", tx).putUnsigned("rx_bytes", rx).putRaw("ms", ms).toString())
                    .ch('\n');
            return;
        }
        if (opt.timestamp()) lb.right(Session.clock(), 8).ch(' ');
        lb.left(pid, 7).ch(' ').cString(d, off + Layout.OFF_COMM, TASK_COMM_LEN, 16).ch(' ').left(saddr, width).ch(' ')
                .left(sport, 5).ch(' ').left(daddr, width).ch(' ').left(dport, 5).ch(' ')
                .left(String.format(Locale.ROOT, "%.2f", tx / 1024.0), 6).ch(' ')
                .left(String.format(Locale.ROOT, "%.2f", rx / 1024.0), 6).ch(' ').text(ms).ch('\n');
    }
}
