package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.BpfProgram;
import org.bpf4j.ProgramInfo;

/**
 * {@code bpf4j prog list|show [id ID|pinned PATH|name NAME]}, {@code prog pin PROG FILE} and
 * {@code prog unpin FILE}: the programs loaded in the kernel, printed as bpftool 7.1 prints them
 * (plain, or {@code -j}/{@code -p} JSON).
 */
final class ProgInspect {
    private ProgInspect() {}

    static final String HELP = """
            Usage: bpf4j prog { show | list } [PROG] [-j|-p]
                   bpf4j prog pin PROG FILE
                   bpf4j prog unpin FILE
                   bpf4j prog dump xlated PROG [linum] [-j|-p]
                   bpf4j prog load OBJECT [--program NAME]... [--btf FILE] [--pin-maps DIR]

              PROG := { id PROG_ID | pinned FILE | name PROG_NAME }

            show, list     id, type, name, tag, load time and user, sizes, maps and BTF of every
                           loaded program (or of PROG), as `bpftool prog show` prints them; with
                           run time and run count while statistics are on
            pin            pin PROG at FILE on a bpf file system
            unpin          remove the pin FILE (the program stays while something else holds it)
            dump xlated    the verified instructions of PROG, each C source line before the
                           instructions it became (linum: with file, line and column)
              -j, --json     JSON, as bpftool -j;   -p, --pretty   indented JSON, as bpftool -p
            """;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Inspect in = new Inspect(argv, 2);
        if (in.help) {
            out.print(HELP);
            return 0;
        }
        return switch (argv[1]) {
            case "show", "list" -> show(in, out);
            case "pin" -> {
                Inspect.Selector s = in.selector("program", "id", "pinned", "name");
                Path file = Path.of(in.next("FILE to pin at"));
                in.end();
                try (BpfProgram p = open(s)) {
                    p.pin(file);
                }
                yield 0;
            }
            case "unpin" -> {
                Path file = Path.of(in.next("the pinned FILE"));
                in.end();
                try (BpfProgram p = Inspect.open("program", new Inspect.Selector("pinned", file.toString()),
                        () -> BpfProgram.openPinned(file))) {
                    Files.delete(file);
                } catch (java.io.IOException e) {
                    throw new BpfException("cannot remove " + file + ": " + e.getMessage());
                }
                yield 0;
            }
            case "dump" -> XlatedDump.run(in, out);
            default -> throw new Args.UsageException("unknown prog subcommand '" + argv[1]
                    + "' (known: load, show, list, pin, unpin, dump)");
        };
    }

    static BpfProgram open(Inspect.Selector s) {
        return switch (s.kind()) {
            case "id" -> Inspect.open("program", s, () -> BpfProgram.open(s.id()));
            case "pinned" -> Inspect.open("program", s, () -> BpfProgram.openPinned(s.path()));
            default -> Inspect.byName("program", BpfProgram.ids(), BpfProgram::open, BpfProgram::fullName, s.value());
        };
    }

    /** The program with that id, or null if it went away since its id was listed. */
    static BpfProgram openIfPresent(int id) {
        return Inspect.ifPresent(() -> BpfProgram.open(id));
    }

    /** A program's info with its full name (the kernel's is cut at 15 characters). */
    record Shown(ProgramInfo info, String name) {
        static Shown of(BpfProgram p) {
            return new Shown(p.info(), p.fullName());
        }
    }

    private static int show(Inspect in, PrintStream out) {
        List<Shown> infos = new java.util.ArrayList<>();
        if (in.hasMore()) {
            Inspect.Selector s = in.selector("program", "id", "pinned", "name");
            in.end();
            if (s.kind().equals("name")) {
                // bpftool shows every program of that name
                for (int id : BpfProgram.ids()) {
                    try (BpfProgram p = openIfPresent(id)) {
                        if (p != null && p.fullName().equals(s.value())) infos.add(Shown.of(p));
                    }
                }
                if (infos.isEmpty()) throw new BpfException("no program with name " + s.value());
            } else {
                try (BpfProgram p = open(s)) {
                    infos.add(Shown.of(p));
                }
            }
            if (in.json && infos.size() == 1) {
                BpftoolJson j = in.jsonWriter();
                json(infos.get(0).info(), infos.get(0).name(), j);
                out.print(j.finish());
                return 0;
            }
        } else {
            for (int id : BpfProgram.ids()) {
                try (BpfProgram p = openIfPresent(id)) {
                    if (p != null) infos.add(Shown.of(p));
                }
            }
        }
        if (in.json) {
            BpftoolJson j = in.jsonWriter().startArray();
            for (Shown i : infos) json(i.info(), i.name(), j);
            out.print(j.endArray().finish());
        } else {
            StringBuilder sb = new StringBuilder();
            for (Shown i : infos) plain(i.info(), i.name(), sb);
            out.print(sb);
        }
        return 0;
    }

    static void plain(ProgramInfo i, String name, StringBuilder sb) {
        sb.append(Integer.toUnsignedString(i.id())).append(": ").append(i.typeName()).append("  ");
        if (!i.name().isEmpty()) sb.append("name ").append(name).append("  ");
        sb.append("tag ").append(i.tag());
        if (i.gplCompatible()) sb.append("  gpl");
        if (i.runTimeNs() != 0) {
            sb.append(" run_time_ns ").append(Long.toUnsignedString(i.runTimeNs()))
                    .append(" run_cnt ").append(Long.toUnsignedString(i.runCount()));
        }
        if (i.recursionMisses() != 0) sb.append(" recursion_misses ").append(Long.toUnsignedString(i.recursionMisses()));
        sb.append('\n');
        if (i.loadTimeNs() != 0) {
            sb.append("\tloaded_at ").append(Inspect.localTime(Inspect.wallClockSeconds(i.loadTimeNs())))
                    .append("  uid ").append(Integer.toUnsignedString(i.uid())).append('\n');
        }
        sb.append("\txlated ").append(Integer.toUnsignedString(i.xlatedSize())).append('B');
        if (i.jitedSize() != 0) sb.append("  jited ").append(Integer.toUnsignedString(i.jitedSize())).append('B');
        else sb.append("  not jited");
        if (i.memlock() >= 0) sb.append("  memlock ").append(i.memlock()).append('B');
        if (!i.mapIds().isEmpty()) sb.append("  map_ids ").append(Inspect.joined(i.mapIds()));
        if (i.btfId() != 0) sb.append("\n\tbtf_id ").append(Integer.toUnsignedString(i.btfId()));
        sb.append('\n');
    }

    static void json(ProgramInfo i, String name, BpftoolJson j) {
        j.startObject().field("id", i.id()).field("type", i.typeName());
        if (!i.name().isEmpty()) j.field("name", name);
        j.field("tag", i.tag()).field("gpl_compatible", i.gplCompatible());
        if (i.runTimeNs() != 0) {
            j.name("run_time_ns").unsigned(i.runTimeNs()).name("run_cnt").unsigned(i.runCount());
        }
        if (i.recursionMisses() != 0) j.name("recursion_misses").unsigned(i.recursionMisses());
        if (i.loadTimeNs() != 0) {
            j.field("loaded_at", Inspect.wallClockSeconds(i.loadTimeNs())).name("uid").unsigned(Integer.toUnsignedLong(i.uid()));
        }
        j.name("bytes_xlated").unsigned(Integer.toUnsignedLong(i.xlatedSize()));
        j.field("jited", i.jitedSize() != 0);
        if (i.jitedSize() != 0) j.name("bytes_jited").unsigned(Integer.toUnsignedLong(i.jitedSize()));
        if (i.memlock() >= 0) j.field("bytes_memlock", i.memlock());
        if (!i.mapIds().isEmpty()) {
            j.name("map_ids").startArray();
            for (int id : i.mapIds()) j.unsigned(Integer.toUnsignedLong(id));
            j.endArray();
        }
        if (i.btfId() != 0) j.field("btf_id", i.btfId());
        j.endObject();
    }
}
