package org.bpf4j.tools;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.MapInfo;
import org.bpf4j.MapType;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfInfo;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Os;

/**
 * {@code bpf4j map show|list|dump|lookup|update|delete|pin}: the maps in the kernel and their
 * contents, as bpftool 7.1 prints them; keys and values typed from the map's BTF.
 */
final class MapCommand {
    private MapCommand() {}

    static final String HELP = """
            Usage: bpf4j map { show | list } [MAP] [-j|-p]
                   bpf4j map dump MAP [-j|-p]
                   bpf4j map lookup MAP key DATA [-j|-p]
                   bpf4j map update MAP key DATA value DATA [UPDATE_FLAGS]
                   bpf4j map delete MAP key DATA
                   bpf4j map pin MAP FILE

              MAP := { id MAP_ID | pinned FILE | name MAP_NAME }
              DATA := { [hex] BYTES }        one byte a word: 42 0x2a 052, or after hex: 2a
              UPDATE_FLAGS := { any | exist | noexist }

            show, list   id, type, name, flags, sizes, memlock, BTF of every map (or of MAP)
            dump         every entry; with BTF, keys and values as typed JSON (bpftool's form)
            lookup, update, delete   one entry;   pin   pin MAP at FILE on a bpf file system
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
            case "dump" -> {
                try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                    in.end();
                    dump(m, in, out);
                }
            }
            case "lookup" -> {
                try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                    byte[] key = elem(in, "key", m.keySize());
                    in.end();
                    byte[] value = m.lookup(key);
                    if (value == null) {
                        if (in.json) {
                            out.print("null\n");
                        } else {
                            out.print("key:\n" + hex(key) + "\n\nNot found\n");
                        }
                        return 1;
                    }
                    entry(m.info(), key, value, in, out);
                }
            }
            case "update" -> {
                try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                    byte[] key = elem(in, "key", m.keySize());
                    byte[] one = elem(in, "value", m.valueSize());
                    long flags = Bpf.ANY;
                    if (in.hasMore()) {
                        flags = switch (in.next("update flags")) {
                            case "any" -> Bpf.ANY;
                            case "exist" -> Bpf.EXIST;
                            case "noexist" -> Bpf.NOEXIST;
                            default -> throw new Args.UsageException("expected any, exist or noexist");
                        };
                    }
                    in.end();
                    m.update(key, perCpu(m, one), flags);
                    if (in.json) out.print("null\n");
                }
            }
            case "delete" -> {
                try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                    byte[] key = elem(in, "key", m.keySize());
                    in.end();
                    if (!m.delete(key)) throw new BpfException("delete failed: no such key in map '" + m.name() + "'");
                    if (in.json) out.print("null\n");
                }
            }
            case "pin" -> {
                try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                    Path file = Path.of(in.next("FILE to pin at"));
                    in.end();
                    m.pin(file);
                }
            }
            default -> throw new Args.UsageException("unknown map subcommand '" + argv[1]
                    + "' (known: show, list, dump, lookup, update, delete, pin)");
        }
        return 0;
    }

    /** The same value for every CPU of a per-CPU map, as bpftool's update fills it. */
    private static byte[] perCpu(BpfMap m, byte[] one) {
        if (m.valueSlotSize() == m.valueSize()) return one;
        byte[] all = new byte[m.valueSlotSize()];
        int step = (m.valueSize() + 7) & ~7;
        for (int off = 0; off + m.valueSize() <= all.length; off += step) System.arraycopy(one, 0, all, off, one.length);
        return all;
    }

    /** {@code key|value [hex] BYTES...}: exactly {@code n} bytes. */
    private static byte[] elem(Inspect in, String name, int n) {
        String w = in.next(name);
        if (!w.equals(name)) throw new Args.UsageException("expected " + name + ", got: " + w);
        int base = 0;
        if ("hex".equals(in.peek())) {
            in.next("hex");
            base = 16;
        }
        byte[] b = new byte[n];
        int i = 0;
        while (i < n && in.hasMore() && !isKeyword(in.peek())) {
            String s = in.next("byte");
            try {
                // as strtoul: base 16 after "hex", else 0x.. hex, 0.. octal, decimal
                b[i++] = (byte) (base == 16 ? Long.parseLong(s, 16) : Long.decode(s));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("error parsing byte: " + s);
            }
        }
        if (i != n) throw new Args.UsageException(name + " expected " + n + " bytes got " + i);
        return b;
    }

    private static boolean isKeyword(String w) {
        return w.equals("key") || w.equals("value") || w.equals("any") || w.equals("exist") || w.equals("noexist");
    }

    static BpfMap open(Inspect.Selector s) {
        return switch (s.kind()) {
            case "id" -> Inspect.open("map", s, () -> BpfMap.open(s.id()));
            case "pinned" -> Inspect.open("map", s, () -> BpfMap.openPinned(s.path()));
            default -> Inspect.byName("map", BpfMap.ids(), BpfMap::open, BpfMap::name, s.value());
        };
    }

    static BpfMap openIfPresent(int id) {
        return Inspect.ifPresent(() -> BpfMap.open(id));
    }

    private static void show(Inspect in, PrintStream out) {
        List<MapInfo> infos = new ArrayList<>();
        List<java.util.Map<String, String>> fdinfos = new ArrayList<>();
        boolean one = in.hasMore();
        if (one) {
            try (BpfMap m = open(in.selector("map", "id", "pinned", "name"))) {
                in.end();
                infos.add(m.info());
                fdinfos.add(Os.fdinfo(m.fd()));
            }
        } else {
            for (int id : BpfMap.ids()) {
                try (BpfMap m = openIfPresent(id)) {
                    if (m == null) continue;
                    infos.add(m.info());
                    fdinfos.add(Os.fdinfo(m.fd()));
                }
            }
        }
        if (in.json) {
            BpftoolJson j = in.jsonWriter();
            if (!one) j.startArray();
            for (int i = 0; i < infos.size(); i++) json(infos.get(i), fdinfos.get(i), j);
            if (!one) j.endArray();
            out.print(j.finish());
        } else {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < infos.size(); i++) plain(infos.get(i), fdinfos.get(i), sb);
            out.print(sb);
        }
    }

    private static String progTypeName(String number) {
        int t = Integer.parseInt(number);
        org.bpf4j.ProgramType pt = org.bpf4j.ProgramType.of(t);
        return pt == null ? null : pt.name().toLowerCase(java.util.Locale.ROOT);
    }

    static void plain(MapInfo i, java.util.Map<String, String> fdinfo, StringBuilder sb) {
        sb.append(Integer.toUnsignedString(i.id())).append(": ").append(i.typeName()).append("  ");
        if (!i.name().isEmpty()) sb.append("name ").append(i.name()).append("  ");
        sb.append("flags 0x").append(Integer.toHexString(i.flags())).append('\n');
        sb.append("\tkey ").append(Integer.toUnsignedString(i.keySize())).append("B  value ")
                .append(Integer.toUnsignedString(i.valueSize())).append("B  max_entries ")
                .append(Integer.toUnsignedString(i.maxEntries()));
        if (i.memlock() >= 0) sb.append("  memlock ").append(i.memlock()).append('B');
        if (i.mapType() == MapType.PROG_ARRAY) {
            String owner = fdinfo.get("owner_prog_type"), jited = fdinfo.get("owner_jited");
            if (owner != null || jited != null) sb.append("\n\t");
            if (owner != null) {
                String name = progTypeName(owner);
                sb.append("owner_prog_type ").append(name != null ? name : owner).append("  ");
            }
            if (jited != null) sb.append("owner").append(Integer.parseInt(jited) != 0 ? "" : " not").append(" jited");
        }
        if (i.btfId() != 0 || i.frozen()) sb.append("\n\t");
        if (i.btfId() != 0) sb.append("btf_id ").append(i.btfId());
        if (i.frozen()) sb.append(i.btfId() != 0 ? "  " : "").append("frozen");
        sb.append('\n');
    }

    static void json(MapInfo i, java.util.Map<String, String> fdinfo, BpftoolJson j) {
        j.startObject();
        header(i, j);
        j.name("bytes_key").unsigned(Integer.toUnsignedLong(i.keySize()))
                .name("bytes_value").unsigned(Integer.toUnsignedLong(i.valueSize()))
                .name("max_entries").unsigned(Integer.toUnsignedLong(i.maxEntries()));
        if (i.memlock() >= 0) j.field("bytes_memlock", i.memlock());
        if (i.mapType() == MapType.PROG_ARRAY) {
            String owner = fdinfo.get("owner_prog_type"), jited = fdinfo.get("owner_jited");
            if (owner != null) {
                String name = progTypeName(owner);
                if (name != null) j.field("owner_prog_type", name);
                else j.name("owner_prog_type").raw(owner);
            }
            if (jited != null) j.field("owner_jited", Integer.parseInt(jited) != 0);
        }
        j.field("frozen", i.frozen() ? 1 : 0);
        if (i.btfId() != 0) j.field("btf_id", i.btfId());
        j.endObject();
    }

    private static void header(MapInfo i, BpftoolJson j) {
        j.field("id", i.id()).field("type", i.typeName());
        if (!i.name().isEmpty()) j.field("name", i.name());
        j.field("flags", i.flags());
    }

    // ------------------------------------------------------------------ entries

    /** The map's BTF when its value has a type there (bpftool's condition), else null. */
    private static Btf btf(MapInfo info) {
        return info.btfValueTypeId() != 0 ? BtfInfo.load(info.btfId()) : null;
    }

    private static void dump(BpfMap m, Inspect in, PrintStream out) {
        MapInfo info = m.info();
        Btf btf = info.btfId() != 0 ? btf(info) : null;
        BpftoolJson j = in.json ? in.jsonWriter() : btf != null ? new BpftoolJson(true) : null;
        StringBuilder plain = new StringBuilder();
        if (j != null) j.startArray();
        int n = 0;
        for (byte[] key : m.keys()) {
            byte[] value = m.lookup(key);
            if (value == null) continue; // deleted meanwhile
            n++;
            if (in.json) entryJson(info, key, value, btf, j);
            else if (btf != null) typed(info, key, value, btf, j, true);
            else entryPlain(info, key, value, plain);
        }
        if (j != null) {
            j.endArray();
            out.print(j.finish());
        } else {
            out.print(plain);
            out.print("Found " + n + " element" + (n != 1 ? "s" : "") + "\n");
        }
    }

    private static void entry(MapInfo info, byte[] key, byte[] value, Inspect in, PrintStream out) {
        Btf btf = btf(info);
        if (in.json) {
            BpftoolJson j = in.jsonWriter();
            entryJson(info, key, value, btf, j);
            out.print(j.finish());
        } else if (btf != null) {
            BpftoolJson j = new BpftoolJson(true);
            typed(info, key, value, btf, j, true);
            out.print(j.finish());
        } else {
            StringBuilder sb = new StringBuilder();
            entryPlain(info, key, value, sb);
            out.print(sb);
        }
    }

    private static boolean perCpu(MapInfo info) {
        MapType t = info.mapType();
        return t != null && t.perCpu();
    }

    private static void hexArray(byte[] data, int off, int n, BpftoolJson j) {
        j.startArray();
        for (int i = 0; i < n; i++) j.raw(String.format("\"0x%02x\"", data[off + i] & 0xff));
        j.endArray();
    }

    private static void entryJson(MapInfo info, byte[] key, byte[] value, Btf btf, BpftoolJson j) {
        j.startObject().name("key");
        hexArray(key, 0, info.keySize(), j);
        if (!perCpu(info)) {
            j.name("value");
            hexArray(value, 0, info.valueSize(), j);
        } else {
            int step = (info.valueSize() + 7) & ~7;
            j.name("values").startArray();
            for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                j.startObject().field("cpu", cpu).name("value");
                hexArray(value, cpu * step, info.valueSize(), j);
                j.endObject();
            }
            j.endArray();
        }
        if (btf != null) {
            j.name("formatted");
            typed(info, key, value, btf, j, false);
        }
        j.endObject();
    }

    private static void typed(MapInfo info, byte[] key, byte[] value, Btf btf, BpftoolJson j, boolean plainText) {
        BtfValueJson v = new BtfValueJson(btf, j, plainText);
        j.startObject();
        if (info.btfKeyTypeId() != 0) {
            j.name("key");
            v.write(info.btfKeyTypeId(), key, 0);
        }
        if (!perCpu(info)) {
            j.name("value");
            v.write(info.btfValueTypeId(), value, 0);
        } else {
            int step = (info.valueSize() + 7) & ~7;
            j.name("values").startArray();
            for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                j.startObject().field("cpu", cpu).name("value");
                v.write(info.btfValueTypeId(), value, cpu * step);
                j.endObject();
            }
            j.endArray();
        }
        j.endObject();
    }

    private static void entryPlain(MapInfo info, byte[] key, byte[] value, StringBuilder sb) {
        int ks = info.keySize(), vs = info.valueSize();
        if (!perCpu(info)) {
            boolean breakNames = ks > 16 || vs > 16;
            boolean singleLine = ks + vs <= 24 && !breakNames;
            if (ks != 0) {
                sb.append("key:").append(breakNames ? '\n' : ' ').append(hex(key, 0, ks));
                sb.append(singleLine ? "  " : "\n");
            }
            if (vs != 0) sb.append("value:").append(breakNames ? '\n' : ' ').append(hex(value, 0, vs));
            sb.append('\n');
        } else {
            int step = (vs + 7) & ~7;
            if (ks != 0) sb.append("key:\n").append(hex(key, 0, ks)).append('\n');
            if (vs != 0) {
                for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                    sb.append(String.format("value (CPU %02d):%c", cpu, vs > 16 ? '\n' : ' '))
                            .append(hex(value, cpu * step, vs)).append('\n');
                }
            }
        }
    }

    static String hex(byte[] data) {
        return hex(data, 0, data.length);
    }

    /** Bytes as bpftool's fprint_hex prints them: 16 a line, a wider gap after 8. */
    static String hex(byte[] data, int off, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i != 0) sb.append(i % 16 == 0 ? "\n" : i % 8 == 0 ? "  " : " ");
            sb.append(String.format("%02x", data[off + i] & 0xff));
        }
        return sb.toString();
    }
}
