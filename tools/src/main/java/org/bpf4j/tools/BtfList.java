package org.bpf4j.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfProgram;
import org.bpf4j.btf.BtfInfo;

/**
 * {@code bpf4j btf list|show [id ID] [-j|-p]}: the BTF objects in the kernel with the programs and
 * maps that use each, as bpftool 7.1 prints them.
 */
final class BtfList {
    private BtfList() {}

    static int run(String[] argv, PrintStream out) {
        Inspect in = new Inspect(argv, 2);
        Integer only = null;
        if (in.hasMore()) {
            Inspect.Selector s = in.selector("BTF object", "id");
            in.end();
            only = s.id();
        }
        // which programs and maps use each BTF object, in id order (bpftool's order is its hash map's)
        Map<Integer, List<Integer>> progs = new LinkedHashMap<>(), maps = new LinkedHashMap<>();
        for (int id : BpfProgram.ids()) {
            try (BpfProgram p = ProgInspect.openIfPresent(id)) {
                if (p != null && p.info().btfId() != 0) progs.computeIfAbsent(p.info().btfId(), k -> new ArrayList<>()).add(id);
            }
        }
        for (int id : BpfMap.ids()) {
            try (BpfMap m = MapCommand.openIfPresent(id)) {
                if (m != null && m.info().btfId() != 0) maps.computeIfAbsent(m.info().btfId(), k -> new ArrayList<>()).add(id);
            }
        }
        List<BtfInfo> infos = new ArrayList<>();
        for (int id : only != null ? List.of(only) : BtfInfo.ids()) {
            BtfInfo b = Inspect.ifPresent(() -> BtfInfo.of(id));
            if (b != null) infos.add(b);
            else if (only != null) throw new org.bpf4j.BpfException("no BTF object with id " + id);
        }
        if (in.json) {
            BpftoolJson j = in.jsonWriter();
            if (only == null) j.startArray();
            for (BtfInfo b : infos) {
                j.startObject().field("id", b.id()).name("size").unsigned(Integer.toUnsignedLong(b.size()));
                j.name("prog_ids").startArray();
                for (int id : progs.getOrDefault(b.id(), List.of())) j.value(id);
                j.endArray().name("map_ids").startArray();
                for (int id : maps.getOrDefault(b.id(), List.of())) j.value(id);
                j.endArray().field("kernel", b.kernel());
                if (!b.name().isEmpty()) j.field("name", b.name());
                j.endObject();
            }
            if (only == null) j.endArray();
            out.print(j.finish());
        } else {
            StringBuilder sb = new StringBuilder();
            for (BtfInfo b : infos) {
                sb.append(b.id()).append(": name ")
                        .append(b.kernel() ? "[" + b.name() + "]" : b.name().isEmpty() ? "<anon>" : b.name())
                        .append("  size ").append(Integer.toUnsignedString(b.size())).append('B');
                List<Integer> p = progs.get(b.id()), m = maps.get(b.id());
                if (p != null) sb.append("  prog_ids ").append(Inspect.joined(p));
                if (m != null) sb.append("  map_ids ").append(Inspect.joined(m));
                sb.append('\n');
            }
            out.print(sb);
        }
        return 0;
    }
}
