package org.bpf4j.tools;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.Bcc;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.bcc.BccTable;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfValues;

/**
 * {@code bpf4j bcc FILE.c}: compiles a BCC-style program at run time, loads it, attaches what its
 * names and sections say, and prints what it sends until Ctrl+C or {@code --duration}: perf and
 * ring buffer records (raw hex, or as a struct of the program's BTF with {@code --decode}),
 * trace_printk lines as they arrive, and at exit the entries of every map, typed from the BTF as
 * BCC's {@code b["counts"].items()} lists them.
 */
final class BccCommand {
    private BccCommand() {}

    static final String HELP = """
            Usage: bpf4j bcc [OPTION...] FILE.c
            Compile a BCC-style BPF program at run time (clang, vmlinux.h from the kernel's BTF),
            load and attach it, print its events, and its maps at exit.

            EXAMPLES:
                bpf4j bcc counter.c                  # until Ctrl+C, then the maps
                bpf4j bcc -d 5 events.c --decode event
                                                     # 5 seconds; records as struct event

              -d, --duration=SECONDS     Trace for SECONDS only
              -x, --decode=STRUCT        Print perf/ring buffer records as STRUCT (default: hex)
              -j, --json                 One JSON object per line (NDJSON)
              -h, --help                 Give this help list
            """;

    private static final String[] OPTIONS = {"-d", "--duration=", "-x", "--decode=", "-j", "--json", "-h", "--help"};
    private static final Pattern PRINTK = Pattern.compile("\\bbpf_(trace_)?printk\\s*\\(");

    static int run(String[] argv, PrintStream out, PrintStream err) {
        int duration = 0;
        String decode = null;
        boolean json = false;
        Args a = new Args(argv, 1);
        for (String o; (o = a.next(OPTIONS)) != null; ) {
            switch (o) {
                case "--duration" -> duration = a.intValue("--duration", 1, Integer.MAX_VALUE);
                case "--decode" -> decode = a.value("--decode");
                case "--json" -> json = true;
                case "--help" -> {
                    out.print(HELP);
                    return 0;
                }
                default -> throw new Args.UsageException("unrecognized option '" + o + "'");
            }
        }
        if (a.positional().isEmpty()) throw new Args.UsageException("no source file given");
        if (a.positional().size() > 1) throw new Args.UsageException("one source file only: " + a.positional().get(1));
        Path file = Path.of(a.positional().get(0));
        String source;
        try {
            source = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException(file + ": no such file");
        } catch (java.io.IOException e) {
            throw new BpfException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String name = decode == null ? null : decode.startsWith("struct ") ? decode.substring(7).trim() : decode;
        if (name != null && !name.matches("[A-Za-z_]\\w*")) throw new Args.UsageException("invalid --decode struct: " + decode);
        // a struct used only for locals is not in the object's BTF: a global pointer of its type puts it there
        ObjectSpec spec = Bcc.compile(name == null ? source : source + "\nstruct " + name + " *__bpf4j_decode_" + name
                + " __attribute__((unused));\n", file.toString(), Bcc.Options.defaults());
        int struct = name == null ? 0 : struct(spec, name, file);
        boolean printk = PRINTK.matcher(source).find();
        return trace(spec, struct, json, duration, printk, out);
    }

    /** The id of struct {@code name} in the object's BTF. */
    private static int struct(ObjectSpec spec, String name, Path file) {
        Btf btf = spec.btf();
        String n = name;
        int id = btf == null ? -1 : btf.find(n, BtfKind.STRUCT);
        if (id <= 0) {
            List<String> structs = new ArrayList<>();
            if (btf != null) {
                for (int i = 1; i < btf.typeCount(); i++) {
                    if (btf.kind(i) == BtfKind.STRUCT && !btf.name(i).isEmpty()) structs.add(btf.name(i));
                }
            }
            throw new BpfException("--decode: no struct " + n + " in the BTF of " + file + " (its structs: "
                    + (structs.isEmpty() ? "none" : String.join(", ", structs)) + ")");
        }
        return id;
    }

    private static int trace(ObjectSpec spec, int struct, boolean json, int duration, boolean printk, PrintStream out) {
        Btf btf = spec.btf();
        LineBuffer lb = new LineBuffer();
        try (BccProgram b = BccProgram.load(spec);
             Session session = new Session()) {
            boolean perf = false, ring = false;
            for (Map.Entry<String, BpfMap> e : b.object().maps().entrySet()) {
                String name = e.getKey();
                MapType t = e.getValue().type();
                if (t == MapType.PERF_EVENT_ARRAY) {
                    b.perfBuffer(name).open((cpu, data, offset, length) ->
                            record(lb, name, cpu, btf, struct, json, data, offset, length));
                    perf = true;
                } else if (t == MapType.RINGBUF) {
                    b.ringBuffer(name).open((data, offset, length) ->
                            record(lb, name, -1, btf, struct, json, data, offset, length));
                    ring = true;
                }
            }
            if (!json) {
                out.println("Attached " + b.links().size() + " program" + (b.links().size() == 1 ? "" : "s") + " of "
                        + spec.file() + ". Tracing... Hit Ctrl-C to end.");
            }
            out.flush();
            long end = duration > 0 ? System.nanoTime() + duration * 1_000_000_000L : 0;
            while (session.running()) {
                if (perf) b.perfBufferPoll(ring ? 50 : 100);
                if (ring) b.ringBufferPoll(perf ? 50 : 100);
                if (printk) {
                    // trace_pipe lines as they come; without buffers to poll, wait on trace_pipe instead
                    for (String l = b.traceLine(perf || ring ? 0 : 100); l != null; l = b.traceLine(0)) {
                        if (json) lb.text("{\"trace\": ").text(BtfValues.json(l)).text("}\n");
                        else lb.text(l).ch('\n');
                    }
                } else if (!perf && !ring) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                lb.flushTo(out);
                if (end != 0 && System.nanoTime() - end > 0) break;
            }
            lb.flushTo(out);
            for (BccTable t : b.tables()) {
                for (Map.Entry<Object, Object> e : t.items()) {
                    if (json) {
                        out.println("{\"map\": " + BtfValues.json(t.name()) + ", \"key\": " + BtfValues.json(e.getKey())
                                + ", \"value\": " + BtfValues.json(e.getValue()) + "}");
                    } else {
                        out.println(t.name() + "[" + BtfValues.format(e.getKey()) + "]: " + BtfValues.format(e.getValue()));
                    }
                }
            }
            out.flush();
        }
        return 0;
    }

    /** One perf or ring buffer record: decoded as the struct, or hex. */
    private static void record(LineBuffer lb, String map, int cpu, Btf btf, int struct, boolean json,
                               MemorySegment data, long offset, int length) {
        Object value = null;
        if (struct > 0 && length >= btf.sizeOf(struct)) value = BtfValues.decode(btf, struct, data, offset);
        if (value == null) value = BtfValues.hex(data, offset, length);
        if (json) {
            lb.text("{\"map\": ").text(BtfValues.json(map));
            if (cpu >= 0) lb.text(", \"cpu\": ").text(Integer.toString(cpu));
            lb.text(", \"record\": ").text(BtfValues.json(value)).text("}\n");
        } else {
            lb.text(map);
            if (cpu >= 0) lb.text(" cpu ").text(Integer.toString(cpu));
            lb.text(": ").text(value instanceof String s ? s : BtfValues.format(value)).ch('\n');
        }
    }
}
