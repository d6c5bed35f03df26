package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfProgram;
import org.bpf4j.BpfLink;
import org.bpf4j.link.LinkInfo;
import org.bpf4j.link.Links;

/** {@code bpf4j link show|list|pin|detach}: the kernel's BPF links, as bpftool 7.1 prints them. */
final class LinkCommand {
    private LinkCommand() {}

    static final String HELP = """
            Usage: bpf4j link { show | list } [LINK] [-j|-p]
                   bpf4j link pin LINK FILE
                   bpf4j link detach LINK

              LINK := { id LINK_ID | pinned FILE }

            show, list   id, type, program and target of every link (or of LINK)
            pin          pin LINK at FILE on a bpf file system (it then outlives its process)
            detach       detach the program now, whoever holds the link (cgroup, netns, XDP,
                         tcx, ... links; the kernel cannot detach tracing links on demand)
              -j, --json     JSON, as bpftool -j;   -p, --pretty   indented JSON, as bpftool -p
            """;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length < 2) {
            out.print(HELP);
            return 2;
        }
        Inspect in = new Inspect(argv, 2);
        if (in.help || argv[1].equals("help")) {
            out.print(HELP);
            return 0;
        }
        switch (argv[1]) {
            case "show", "list" -> show(in, out);
            case "pin" -> {
                try (BpfLink l = open(in.selector("link", "id", "pinned"))) {
                    Path file = Path.of(in.next("FILE to pin at"));
                    in.end();
                    l.pin(file);
                }
            }
            case "detach" -> {
                try (BpfLink l = open(in.selector("link", "id", "pinned"))) {
                    in.end();
                    l.detach();
                }
                if (in.json) out.print("null\n");
            }
            default -> throw new Args.UsageException("unknown link subcommand '" + argv[1]
                    + "' (known: show, list, pin, detach)");
        }
        return 0;
    }

    static BpfLink open(Inspect.Selector s) {
        return s.kind().equals("id") ? Inspect.open("link", s, () -> Links.open(s.id()))
                : Inspect.open("link", s, () -> Links.openPinned(s.path()));
    }

    private static void show(Inspect in, PrintStream out) {
        List<LinkInfo> infos = new ArrayList<>();
        boolean one = in.hasMore();
        if (one) {
            try (BpfLink l = open(in.selector("link", "id", "pinned"))) {
                in.end();
                infos.add(l.info());
            }
        } else {
            for (int id : Links.ids()) {
                try (BpfLink l = Inspect.ifPresent(() -> Links.open(id))) {
                    if (l != null) infos.add(l.info());
                }
            }
        }
        if (in.json) {
            BpftoolJson j = in.jsonWriter();
            if (!one) j.startArray();
            for (LinkInfo i : infos) json(i, j);
            if (!one) j.endArray();
            out.print(j.finish());
        } else {
            StringBuilder sb = new StringBuilder();
            for (LinkInfo i : infos) plain(i, sb);
            out.print(sb);
        }
    }

    /** The type of a tracing link's program, as bpftool prints it. */
    private static String progType(int progId) {
        try (BpfProgram p = BpfProgram.open(progId)) {
            return p.info().typeName();
        }
    }

    static void plain(LinkInfo i, StringBuilder sb) {
        sb.append(Integer.toUnsignedString(i.id())).append(": ").append(i.typeName()).append("  prog ")
                .append(Integer.toUnsignedString(i.progId())).append("  ");
        switch (i.type()) {
            case LinkInfo.RAW_TRACEPOINT -> sb.append("\n\ttp '").append(i.tpName()).append("'  ");
            case LinkInfo.TRACING -> sb.append("\n\tprog_type ").append(progType(i.progId())).append("  attach_type ")
                    .append(i.attachTypeName()).append("  ");
            case LinkInfo.CGROUP -> sb.append("\n\tcgroup_id ").append(Long.toUnsignedString(i.targetId()))
                    .append("  attach_type ").append(i.attachTypeName()).append("  ");
            case LinkInfo.ITER -> sb.append("target_name ").append(i.tpName()).append("  ");
            case LinkInfo.NETNS -> sb.append("\n\tnetns_ino ").append(Long.toUnsignedString(i.targetId()))
                    .append("  attach_type ").append(i.attachTypeName()).append("  ");
            default -> { }
        }
        sb.append('\n');
    }

    static void json(LinkInfo i, BpftoolJson j) {
        j.startObject().field("id", i.id()).field("type", i.typeName()).field("prog_id", i.progId());
        switch (i.type()) {
            case LinkInfo.RAW_TRACEPOINT -> j.field("tp_name", i.tpName());
            case LinkInfo.TRACING -> j.field("prog_type", progType(i.progId())).field("attach_type", i.attachTypeName());
            case LinkInfo.CGROUP -> j.name("cgroup_id").unsigned(i.targetId()).field("attach_type", i.attachTypeName());
            case LinkInfo.ITER -> j.field("target_name", i.tpName());
            case LinkInfo.NETNS -> j.name("netns_ino").unsigned(i.targetId()).field("attach_type", i.attachTypeName());
            default -> { }
        }
        j.endObject();
    }
}
