package org.bpf4j.tools;

import java.io.PrintStream;
import org.bpf4j.link.PerfAttachment;

/**
 * {@code bpf4j perf list|show [-j|-p]}: programs attached through perf events and raw
 * tracepoints, with the process and fd that hold each, as bpftool 7.1's {@code perf list}.
 */
final class PerfCommand {
    private PerfCommand() {}

    static final String HELP = """
            Usage: bpf4j perf { show | list } [-j|-p]

            Programs attached through perf events (tracepoints, kprobes, uprobes) and raw
            tracepoints: the process and file descriptor holding each, the program's id and
            where it is attached, as `bpftool perf list` prints them.
            """;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Inspect in = new Inspect(argv, argv.length > 1 ? 2 : 1);
        if (in.help || argv.length < 2) {
            out.print(HELP);
            return in.help ? 0 : 2;
        }
        if (!argv[1].equals("list") && !argv[1].equals("show")) {
            throw new Args.UsageException("unknown perf subcommand '" + argv[1] + "' (known: show, list)");
        }
        in.end();
        BpftoolJson j = in.json ? in.jsonWriter().startArray() : null;
        StringBuilder sb = new StringBuilder();
        for (PerfAttachment a : PerfAttachment.list()) {
            if (j != null) json(a, j);
            else plain(a, sb);
        }
        out.print(j != null ? j.endArray().finish() : sb.toString());
        return 0;
    }

    static void plain(PerfAttachment a, StringBuilder sb) {
        if (a.fdType() < 0 || a.fdType() > 5) return; // bpftool prints nothing for unknown kinds
        sb.append("pid ").append(a.pid()).append("  fd ").append(a.fd()).append(": prog_id ")
                .append(Integer.toUnsignedString(a.progId())).append("  ").append(a.typeName()).append("  ");
        switch (a.fdType()) {
            case 0, 1 -> sb.append(a.name());
            case 2, 3 -> sb.append(a.name().isEmpty() ? "addr " + Long.toUnsignedString(a.addr())
                    : "func " + a.name() + "  offset " + Long.toUnsignedString(a.offset()));
            default -> sb.append("filename ").append(a.name()).append("  offset ").append(Long.toUnsignedString(a.offset()));
        }
        sb.append('\n');
    }

    static void json(PerfAttachment a, BpftoolJson j) {
        j.startObject().field("pid", a.pid()).field("fd", a.fd()).name("prog_id").unsigned(Integer.toUnsignedLong(a.progId()));
        switch (a.fdType()) {
            case 0, 1 -> j.field("fd_type", a.typeName()).field("tracepoint", a.name());
            case 2, 3 -> {
                j.field("fd_type", a.typeName());
                if (!a.name().isEmpty()) j.field("func", a.name()).name("offset").unsigned(a.offset());
                else j.name("addr").unsigned(a.addr());
            }
            case 4, 5 -> j.field("fd_type", a.typeName()).field("filename", a.name()).name("offset").unsigned(a.offset());
            default -> { }
        }
        j.endObject();
    }
}
