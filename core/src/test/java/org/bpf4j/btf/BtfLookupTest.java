package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.requireOrSkip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** Name lookups against brute force over every type, and libbpf's essential-name rule. */
class BtfLookupTest {

    /**
     * Compares find/findAll/findByEssentialName with brute force for every name in the BTF, both
     * through the name index and through the scan the first lookups use.
     */
    static void checkAgainstBruteForce(Btf btf) {
        btf.lookupScanBudget(0);
        compareWithBruteForce(btf, Integer.MAX_VALUE);
        // a scan per lookup: a sample of the names of a big BTF
        Btf fresh = btf.base() == null ? Btf.parse(btf.raw(), "scanning") : Btf.parseSplit(btf.raw(), btf.base(), "s");
        fresh.lookupScanBudget(Integer.MAX_VALUE);
        compareWithBruteForce(fresh, 60);
    }

    /** Compares the lookups of every name, or of about {@code sample} names spread over them. */
    static void compareWithBruteForce(Btf btf, int sample) {
        Map<String, List<Integer>> byName = new HashMap<>();
        Map<String, List<Integer>> byEssential = new HashMap<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            String name = btf.name(id);
            if (name.isEmpty()) continue;
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(id);
            byEssential.computeIfAbsent(name.substring(0, Btf.essentialNameLength(name)), k -> new ArrayList<>()).add(id);
        }
        assertTrue(!byName.isEmpty());
        int step = Math.max(1, byName.size() / sample);
        byName = sampled(byName, step);
        byEssential = sampled(byEssential, Math.max(1, byEssential.size() / sample));
        for (Map.Entry<String, List<Integer>> e : byName.entrySet()) {
            String name = e.getKey();
            assertArrayEquals(e.getValue().stream().mapToInt(Integer::intValue).toArray(), btf.findAll(name), name);
            Map<BtfKind, Integer> lowest = new TreeMap<>();
            for (int id : e.getValue()) lowest.putIfAbsent(btf.kind(id), id);
            for (BtfKind k : BtfKind.values()) {
                assertEquals(lowest.getOrDefault(k, -1), btf.find(name, k), name + " " + k);
            }
        }
        for (Map.Entry<String, List<Integer>> e : byEssential.entrySet()) {
            String ess = e.getKey();
            assertArrayEquals(e.getValue().stream().mapToInt(Integer::intValue).toArray(),
                    btf.findByEssentialName(ess, null), "essential " + ess);
            for (BtfKind k : new BtfKind[] {BtfKind.STRUCT, BtfKind.TYPEDEF, BtfKind.ENUM, BtfKind.FUNC}) {
                int[] expected = e.getValue().stream().filter(id -> btf.kind(id) == k).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, btf.findByEssentialName(ess, k), "essential " + ess + " " + k);
            }
        }
        assertEquals(-1, btf.find("no such type, surely", BtfKind.STRUCT));
        assertEquals(0, btf.findAll("no such type, surely").length);
        assertEquals(0, btf.findByEssentialName("no such type, surely", null).length);
        assertEquals(-1, btf.find("", BtfKind.STRUCT), "anonymous types are not found by name");
        assertEquals(0, btf.findAll("").length);
    }

    /** Every step-th entry in name order, always including flavoured names (rare, interesting). */
    private static Map<String, List<Integer>> sampled(Map<String, List<Integer>> m, int step) {
        if (step == 1) return m;
        Map<String, List<Integer>> out = new TreeMap<>();
        int i = 0;
        for (Map.Entry<String, List<Integer>> e : new TreeMap<>(m).entrySet()) {
            if (i++ % step == 0 || e.getKey().contains("___")) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Test
    void fixturesAgainstBruteForce() {
        for (String name : BtfTestSupport.btfFixtures()) checkAgainstBruteForce(Btf.read(fixture(name + ".o")));
    }

    @Test
    void kernelAgainstBruteForce() {
        requireOrSkip(Files.isReadable(BtfTestSupport.VMLINUX), "no kernel BTF at /sys/kernel/btf/vmlinux");
        checkAgainstBruteForce(Btf.kernel());
        assertTrue(Btf.kernel().find("task_struct", BtfKind.STRUCT) > 0);
    }

    @Test
    void essentialNameIsCutAtTheLastSeparator() {
        assertEquals("task_struct", cut("task_struct___v1"));
        assertEquals("a___b", cut("a___b___c"));
        assertEquals("flav____four", cut("flav____four"), "four underscores are no separator");
        assertEquals("flav___", cut("flav___"), "a separator needs something after it");
        assertEquals("___flav", cut("___flav"), "and something before it");
        assertEquals("x", cut("x___y"));
        assertEquals("xy", cut("xy"));
        assertEquals("", cut(""));
        assertEquals("a", cut("a___b____c"), "a run of four is no separator, so the last one is the first");

        Btf btf = Btf.read(fixture("btf_kinds.o"));
        int flav = btf.find("flav", BtfKind.STRUCT);
        int v1 = btf.find("flav___v1", BtfKind.STRUCT);
        int v1v2 = btf.find("flav___v1___v2", BtfKind.STRUCT);
        int typedef = btf.find("flav___t", BtfKind.TYPEDEF);
        assertTrue(flav > 0 && v1 > 0 && v1v2 > 0 && typedef > 0);
        assertArrayEquals(new int[] {flav, v1}, btf.findByEssentialName("flav", BtfKind.STRUCT));
        assertArrayEquals(sorted(flav, v1, typedef), btf.findByEssentialName("flav", null));
        assertArrayEquals(new int[] {v1v2}, btf.findByEssentialName("flav___v1", BtfKind.STRUCT));
        assertArrayEquals(new int[] {btf.find("flav____four", BtfKind.STRUCT)},
                btf.findByEssentialName("flav____four", BtfKind.STRUCT));
        assertArrayEquals(new int[] {btf.find("flav___", BtfKind.STRUCT)}, btf.findByEssentialName("flav___", null));
        assertArrayEquals(new int[] {btf.find("___flav", BtfKind.STRUCT)}, btf.findByEssentialName("___flav", null));
        assertEquals(0, btf.findByEssentialName("flav___v1___v2", null).length, "its essential name is flav___v1");
    }

    private static String cut(String s) {
        return s.substring(0, Btf.essentialNameLength(s));
    }

    private static int[] sorted(int... ids) {
        int[] c = ids.clone();
        java.util.Arrays.sort(c);
        return c;
    }

    @Test
    void splitLookupsSpanTheBase() {
        Btf base = Btf.read(fixture("btf_kinds.o"));
        Btf split = Btf.parseSplit(SplitBtf.make(base), base, "split.btf");
        int n = base.typeCount();
        assertEquals(n, split.firstId());
        assertEquals(n + 8, split.typeCount());
        assertEquals(base, split.base());
        assertEquals(n + 1, split.find("split_s", BtfKind.STRUCT));
        assertEquals(base.find("everything", BtfKind.STRUCT), split.find("everything", BtfKind.STRUCT));
        // "fwd_t" names a base TYPEDEF and, through the base's string, a split TYPEDEF: the lowest wins
        assertEquals(base.find("fwd_t", BtfKind.TYPEDEF), split.find("fwd_t", BtfKind.TYPEDEF));
        assertArrayEquals(new int[] {base.find("fwd_t", BtfKind.TYPEDEF), n + 3}, split.findAll("fwd_t"));
        assertArrayEquals(new int[] {base.find("neg", BtfKind.ENUM), n + 7}, split.findAll("neg"));
        assertEquals(n + 7, split.find("neg", BtfKind.ENUM64));
        assertArrayEquals(new int[] {base.find("flav", BtfKind.STRUCT), base.find("flav___v1", BtfKind.STRUCT), n + 6},
                split.findByEssentialName("flav", BtfKind.STRUCT));
        checkAgainstBruteForce(split);
        // accessors work for base ids through the split BTF
        int everything = base.find("everything", BtfKind.STRUCT);
        assertEquals(base.type(everything), split.type(everything));
        assertEquals("x", split.memberName(n + 1, 0));
        assertEquals("self", split.memberName(n + 1, 1));
        assertEquals(n + 1, split.resolve(n + 3));
        assertEquals(16, split.sizeOf(n + 3));
        assertEquals(8, split.sizeOf(n + 2));
        assertEquals(BtfType.Func.GLOBAL, split.funcLinkage(n + 5));
        assertTrue(((BtfType.FuncProto) split.type(n + 4)).isVarargs());
        assertEquals(0xfffffffffffffffeL, split.enumValue(n + 7, 0));
        assertEquals(base.stringsLength(), split.stringsStart());
        assertEquals("split_s", split.string(base.stringsLength()));
        assertEquals(base.string(5), split.string(5));
    }
}
