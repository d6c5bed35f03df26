package org.bpf4j.tools;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.PrintStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import org.bpf4j.tools.bpf.TcpstatesSkeleton;
import org.bpf4j.tools.bpf.TcpstatesSkeleton.TcpstateEvent;

/**
 * {@code bpf4j tcpstates}: traces TCP state changes (sock:inet_sock_set_state) with the options
 * and output of libbpf-tools' tcpstates ({@code SKADDR PID COMM LADDR LPORT RADDR RPORT OLDSTATE
 * -> NEWSTATE MS}). Events come through the event buffer.
 */
final class Tcpstates extends Tool {
    Tcpstates() {
        super("tcpstates", "[-4] [-6] [-T] [-L lport] [-D dport]", "trace TCP session state changes and durations", DOC,
                List.of(new Argp.Opt('T', "timestamp", null, "Include timestamp on output"),
                        new Argp.Opt('4', "ipv4", null, "Trace IPv4 family only"),
                        new Argp.Opt('6', "ipv6", null, "Trace IPv6 family only"),
                        new Argp.Opt('w', "wide", null, "Wide column output (fits IPv6 addresses)"),
                        new Argp.Opt('L', "localport", "LPORT", "Comma-separated list of local ports to trace."),
                        new Argp.Opt('D', "remoteport", "DPORT", "Comma-separated list of remote ports to trace.")));
    }

    static final String DOC = """
            Trace TCP session state changes and durations.

            USAGE: tcpstates [-4] [-6] [-T] [-L lport] [-D dport]

            EXAMPLES:
                bpf4j tcpstates                  # trace all TCP state changes
                bpf4j tcpstates -T               # include timestamps
                bpf4j tcpstates -L 80            # only trace local port 80
                bpf4j tcpstates -D 80            # only trace remote port 80
            """;

    static final int TASK_COMM_LEN = 16;

    /** The kernel's TCP states by number, as libbpf-tools names them. */
    static final String[] STATES = {"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "UNKNOWN"};

    /** The event's layout, from the skeleton's record (a holder class: built when the tool runs). */
    static final class Layout {
        private Layout() {}

        static final int OFF_SADDR = off("saddr"), OFF_DADDR = off("daddr"), OFF_SKADDR = off("skaddr"),
                OFF_DELTA = off("delta_us"), OFF_PID = off("pid"), OFF_OLD = off("oldstate"), OFF_NEW = off("newstate"),
                OFF_FAMILY = off("family"), OFF_SPORT = off("sport"), OFF_DPORT = off("dport"), OFF_TASK = off("task"),
                SIZE = (int) TcpstateEvent.LAYOUT.byteSize();

        private static int off(String member) {
            return (int) TcpstateEvent.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(member));
        }
    }

    record Options(int family, List<Integer> lports, List<Integer> rports, boolean timestamp, boolean wide, boolean json) {}

    @Override
    int run(Argp.Parsed p, PrintStream out, PrintStream err) {
        if (!p.operands().isEmpty()) throw Argp.invalid("unexpected argument '" + p.operands().get(0) + "'");
        int family = p.has("6") ? Inet.AF_INET6 : p.has("4") ? Inet.AF_INET : 0;
        return trace(new Options(family, p.has("L") ? Inet.ports(p.get("L")) : List.of(),
                p.has("D") ? Inet.ports(p.get("D")) : List.of(), p.has("T"), p.has("w"), p.has("json")), out, err);
    }

    static int trace(Options opt, PrintStream out, PrintStream err) {
        // the skeleton bpf4j-maven-plugin generated from src/main/bpf/tcpstates.bpf.c
        TcpstatesSkeleton skel = TcpstatesSkeleton.open();
        skel.rodata().targetFamily((short) opt.family()).filterLport(!opt.lports().isEmpty())
                .filterRport(!opt.rports().isEmpty()).useRingbuf(EventBuffer.prepare(skel.eventsSpec()));
        LineBuffer lb = new LineBuffer();
        try (skel;
             EventBuffer reader = EventBuffer.open(skel.load().events(), (data, offset, length) ->
                     format(lb, opt, data, offset, length), err);
             Session session = new Session()) {
            for (int port : opt.lports()) skel.lports().put(port, 1);
            for (int port : opt.rports()) skel.rports().put(port, 1);
            skel.attach();
            if (!opt.json()) {
                if (opt.timestamp()) lb.left("TIME(s)", 8).ch(' ');
                lb.left("SKADDR", 16).ch(' ').left("PID", 7).ch(' ');
                if (opt.wide()) {
                    lb.left("COMM", 16).ch(' ').left("IP", 2).ch(' ').left("LADDR", 26).ch(' ').left("LPORT", 5).ch(' ')
                            .left("RADDR", 26).ch(' ');
                } else {
                    lb.left("COMM", 10).ch(' ').left("LADDR", 15).ch(' ').left("LPORT", 5).ch(' ').left("RADDR", 15).ch(' ');
                }
                lb.left("RPORT", 5).ch(' ').left("OLDSTATE", 11).text(" -> ").left("NEWSTATE", 11).ch(' ').text("MS").ch('\n');
            }
            reader.print(session, lb, out, () -> skel.bss().outputErrors(), err);
        }
        return 0;
    }

    static String state(int s) {
        return s >= 0 && s < STATES.length ? STATES[s] : "UNKNOWN";
    }

    /** One line, as libbpf-tools' tcpstates prints it. */
    static void format(LineBuffer lb, Options opt, MemorySegment d, long off, int length) {
        if (length < Layout.SIZE) return;
        int family = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_FAMILY));
        String skaddr = Long.toHexString(d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_SKADDR));
        int pid = d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_PID);
        int sport = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_SPORT)),
                dport = Short.toUnsignedInt(d.get(JAVA_SHORT_UNALIGNED, off + Layout.OFF_DPORT));
        String saddr = Inet.ntop(family, d, off + Layout.OFF_SADDR), daddr = Inet.ntop(family, d, off + Layout.OFF_DADDR);
        String old = state(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_OLD)), now = state(d.get(JAVA_INT_UNALIGNED, off + Layout.OFF_NEW));
        String ms = String.format(Locale.ROOT, "%.3f", d.get(JAVA_LONG_UNALIGNED, off + Layout.OFF_DELTA) / 1000.0);
        String comm = LineBuffer.cStringBytes(d, off + Layout.OFF_TASK, TASK_COMM_LEN);
        if (opt.json()) {
            Json j = new Json();
            if (opt.timestamp()) j.put("time", Session.clock());
            lb.text(j.put("skaddr", skaddr).put("pid", pid).put("comm", comm).put("ip", family == Inet.AF_INET ? 4 : 6)
                    .put("laddr", saddr).put("lport", sport).put("raddr", daddr).put("rport", dport).put("oldstate", old)
                    .put("newstate", now).putRaw("ms", ms).toString()).ch('\n');
            return;
        }
        if (opt.timestamp()) lb.right(Session.clock(), 8).ch(' ');
        lb.left(skaddr, 16).ch(' ').left(pid, 7).ch(' ');
        if (opt.wide()) {
            lb.cString(d, off + Layout.OFF_TASK, TASK_COMM_LEN, 16).ch(' ').left(family == Inet.AF_INET ? 4 : 6, 2).ch(' ')
                    .left(saddr, 26).ch(' ').left(sport, 5).ch(' ').left(daddr, 26).ch(' ');
        } else {
            lb.cString(d, off + Layout.OFF_TASK, Math.min(10, TASK_COMM_LEN), 10).ch(' ').left(saddr, 15).ch(' ')
                    .left(sport, 5).ch(' ').left(daddr, 15).ch(' ');
        }
        lb.left(dport, 5).ch(' ').left(old, 11).text(" -> ").left(now, 11).ch(' ').text(ms).ch('\n');
    }
}
