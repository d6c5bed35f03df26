package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;
import org.bpf4j.BpfLink;
import org.bpf4j.testing.Bpffs;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bpf4j prog|map|link|btf} inspection verbs against {@code /usr/sbin/bpftool} on the
 * objects this test loads (inspect.bpf.c): the same text, plain and JSON, for the test's own ids
 * (other processes may load BPF objects meanwhile). Load times are compared to the second
 * separately, since both tools convert boot time to wall-clock time on their own.
 */
class InspectCommandTest {
    static final String BPFTOOL = "/usr/sbin/bpftool";
    static Bpffs fs;
    static BpfObject obj;
    static BpfLink link;
    static int progId, rawTpId, pairsId, countsId, linkId, btfId;

    @BeforeAll
    static void load() {
        KernelTests.requireKernel();
        KernelTests.require(Files.isExecutable(Path.of(BPFTOOL)), "no " + BPFTOOL + " (Debian package bpftool)");
        fs = Bpffs.mount();
        obj = ObjectSpec.read(KernelTests.fixture("inspect.o")).load(LoadOptions.defaults().withPinRoot(fs.dir));
        link = obj.program("inspect_raw_tp").attach();
        progId = obj.program("inspect_syscall").info().id();
        rawTpId = obj.program("inspect_raw_tp").info().id();
        pairsId = obj.map("pairs").info().id();
        countsId = obj.map("shared_counts").info().id();
        linkId = link.info().id();
        btfId = obj.program("inspect_syscall").info().btfId();
        // entries with every kind of member bpftool's BTF dumper prints
        byte[] key = new byte[12], value = new byte[48];
        key[0] = 42; // pid
        System.arraycopy("cat".getBytes(StandardCharsets.US_ASCII), 0, key, 4, 3);
        value[0] = 7; // count
        for (int i = 8; i < 16; i++) value[i] = (byte) 0xff; // signed_total -1
        value[16] = 2; // GREEN
        value[20] = (byte) (5 | 19 << 3); // level 5, mode 19
        value[21] = 'a';
        value[22] = 1; // raw: not a string
        value[26] = (byte) 0xfe; // in.delta -2
        value[27] = (byte) 0xff;
        value[28] = (byte) 200; // in.small
        value[29] = 1; // in.on
        value[32] = 3; // samples[0]
        value[40] = (byte) 0xf6; // samples[2] = -10
        value[41] = (byte) 0xff;
        value[42] = (byte) 0xff;
        value[43] = (byte) 0xff;
        obj.map("pairs").update(key, value, 0);
        key[0] = 43;
        System.arraycopy("sh\0".getBytes(StandardCharsets.US_ASCII), 0, key, 4, 3);
        value[16] = 3; // no enumerator: printed as a number
        obj.map("pairs").update(key, value, 0);
    }

    @AfterAll
    static void unload() {
        if (link != null) link.close();
        if (obj != null) obj.close();
        if (fs != null) fs.close();
    }

    record Result(int status, String out, String err) {}

    static Result bpf4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String ours(String... args) {
        Result r = bpf4j(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    static String bpftool(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = BPFTOOL;
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Cmd.check(cmd);
    }

    static final Pattern PLAIN_TIME = Pattern.compile("loaded_at (\\S+)"), JSON_TIME = Pattern.compile("\"loaded_at\": ?(\\d+)");

    /** The text with its load times replaced, after checking they agree to the second. */
    static String sameTimes(String ours, String theirs) {
        for (Pattern p : List.of(PLAIN_TIME, JSON_TIME)) {
            Matcher a = p.matcher(ours), b = p.matcher(theirs);
            while (a.find()) {
                assertTrue(b.find(), theirs);
                long x = seconds(a.group(1)), y = seconds(b.group(1));
                assertTrue(Math.abs(x - y) <= 1, a.group(1) + " vs " + b.group(1));
            }
        }
        return ours.replaceAll(PLAIN_TIME.pattern(), "loaded_at T").replaceAll(JSON_TIME.pattern(), "\"loaded_at\":T");
    }

    static long seconds(String t) {
        if (t.matches("\\d+")) return Long.parseLong(t);
        return java.time.OffsetDateTime.parse(t, java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx"))
                .toEpochSecond();
    }

    static void assertSame(String theirs, String ours) {
        assertEquals(sameTimes(theirs, ours), sameTimes(ours, theirs));
    }

    /** The records of a plain list ("ID: ..." and its indented lines) by id. */
    static Map<Integer, String> records(String plain) {
        Map<Integer, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\d+): .*\\n(?:\\t.*\\n)*").matcher(plain);
        while (m.find()) out.put(Integer.parseInt(m.group(1)), m.group());
        return out;
    }

    /** The flat JSON object of id {@code id} in a compact list. */
    static String object(String json, int id) {
        Matcher m = Pattern.compile("\\{\"id\":" + id + ",[^{}]*\\}").matcher(json);
        assertTrue(m.find(), "no object of id " + id + " in " + json);
        return m.group();
    }

    @Test
    void progShowAndListAsBpftool() {
        for (int id : new int[] {progId, rawTpId}) {
            String sid = Integer.toString(id);
            assertSame(bpftool("prog", "show", "id", sid), ours("prog", "show", "id", sid));
            assertSame(bpftool("-j", "prog", "show", "id", sid), ours("prog", "show", "id", sid, "-j"));
            assertSame(bpftool("-p", "prog", "show", "id", sid), ours("prog", "show", "id", sid, "-p"));
        }
        assertTrue(ours("prog", "show", "id", Integer.toString(progId)).startsWith(progId + ": syscall  name inspect_syscall  tag "));
        Map<Integer, String> theirs = records(bpftool("prog", "list")), mine = records(ours("prog", "list"));
        for (int id : new int[] {progId, rawTpId}) assertSame(theirs.get(id), mine.get(id));
        String theirJson = bpftool("-j", "prog", "list"), myJson = ours("prog", "list", "--json");
        for (int id : new int[] {progId, rawTpId}) assertSame(object(theirJson, id), object(myJson, id));
        assertSame(bpftool("prog", "show", "name", "inspect_raw_tp"), ours("prog", "show", "name", "inspect_raw_tp"));
        Path pin = fs.dir.resolve("prog_pin");
        ours("prog", "pin", "id", Integer.toString(progId), pin.toString());
        assertSame(bpftool("prog", "show", "pinned", pin.toString()), ours("prog", "show", "pinned", pin.toString()));
        ours("prog", "unpin", pin.toString());
        assertTrue(!Files.exists(pin));
    }

    @Test
    void statisticsShowRunTimeAndCount() {
        try (org.bpf4j.BpfProgram.StatsSession stats = org.bpf4j.BpfProgram.enableStats(); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 3; i++) obj.program("inspect_syscall").testRun(arena.allocate(8), null, 0);
            String sid = Integer.toString(progId);
            String mine = ours("prog", "show", "id", sid);
            assertTrue(mine.matches("(?s).* gpl run_time_ns \\d+ run_cnt 3\\n.*"), mine);
            assertSame(bpftool("prog", "show", "id", sid), mine);
            assertSame(bpftool("-j", "prog", "show", "id", sid), ours("prog", "show", "id", sid, "-j"));
        }
    }

    @Test
    void mapShowListAndDumpAsBpftool() {
        for (int id : new int[] {pairsId, countsId}) {
            String sid = Integer.toString(id);
            assertEquals(bpftool("map", "show", "id", sid), ours("map", "show", "id", sid));
            assertEquals(bpftool("-j", "map", "show", "id", sid), ours("map", "show", "id", sid, "-j"));
            assertEquals(bpftool("-p", "map", "show", "id", sid), ours("map", "show", "id", sid, "-p"));
            assertEquals(bpftool("map", "dump", "id", sid), ours("map", "dump", "id", sid));
            assertEquals(bpftool("-j", "map", "dump", "id", sid), ours("map", "dump", "id", sid, "-j"));
            assertEquals(bpftool("-p", "map", "dump", "id", sid), ours("map", "dump", "id", sid, "-p"));
        }
        Map<Integer, String> theirs = records(bpftool("map", "list")), mine = records(ours("map", "list"));
        String theirJson = bpftool("-j", "map", "list"), myJson = ours("map", "list", "-j");
        for (int id : new int[] {pairsId, countsId}) {
            assertEquals(theirs.get(id), mine.get(id));
            assertEquals(object(theirJson, id), object(myJson, id));
        }
        String dump = ours("map", "dump", "id", Integer.toString(pairsId), "-j");
        assertTrue(dump.contains("\"formatted\":{\"key\":{\"pid\":42,\"comm\":\"cat\"},\"value\":{\"count\":7,"
                + "\"signed_total\":-1,\"color\":\"GREEN\",\"level\":\"0x5\",\"mode\":\"0x13\",\"raw\":[97,1,0,0],"
                + "\"in\":{\"delta\":-2,\"small\":200,\"on\":true},\"samples\":[3,0,-10]}}"), dump);
        assertTrue(dump.contains("\"color\":3,"), dump);
    }

    @Test
    void mapLookupUpdateDeleteAsBpftool() {
        String sid = Integer.toString(countsId);
        ours("map", "update", "id", sid, "key", "2", "0", "0", "0", "value", "hex", "2a", "0", "0", "0", "0", "0", "0", "1");
        String[] lookup = {"map", "lookup", "id", sid, "key", "0x02", "00", "0", "0"};
        assertEquals(bpftool(lookup), ours(lookup));
        assertTrue(ours(lookup).contains("\"value\": 72057594037927978"), ours(lookup));
        assertEquals(bpftool("-j", "map", "lookup", "id", sid, "key", "2", "0", "0", "0"),
                ours("map", "lookup", "id", sid, "key", "2", "0", "0", "0", "-j"));
        byte[] own = new byte[12];
        own[0] = 44;
        obj.map("pairs").update(own, new byte[48], 0);
        assertTrue(ours("map", "dump", "id", Integer.toString(pairsId)).contains("\"pid\": 44,"));
        ours("map", "delete", "id", Integer.toString(pairsId), "key", "hex", "2c", "0", "0", "0", "0", "0", "0", "0",
                "0", "0", "0", "0");
        assertTrue(!ours("map", "dump", "id", Integer.toString(pairsId)).contains("\"pid\": 44,"));
        assertEquals(bpftool("map", "dump", "id", Integer.toString(pairsId)), ours("map", "dump", "id", Integer.toString(pairsId)));
        Result missing = bpf4j("map", "lookup", "id", Integer.toString(pairsId), "key", "1", "2", "3", "4", "5", "6",
                "7", "8", "9", "10", "11", "12");
        assertEquals(1, missing.status());
        assertEquals("key:\n01 02 03 04 05 06 07 08  09 0a 0b 0c\n\nNot found\n", missing.out());
        Result shortKey = bpf4j("map", "lookup", "id", sid, "key", "1");
        assertEquals(2, shortKey.status());
        assertTrue(shortKey.err().startsWith("bpf4j map: key expected 4 bytes got 1\n"), shortKey.err());
    }

    @Test
    void linkAndBtfListAsBpftool() {
        String sid = Integer.toString(linkId);
        assertEquals(bpftool("link", "show", "id", sid), ours("link", "show", "id", sid));
        assertEquals(bpftool("-j", "link", "show", "id", sid), ours("link", "show", "id", sid, "-j"));
        assertEquals(records(bpftool("link", "list")).get(linkId), records(ours("link", "list")).get(linkId));
        assertEquals(object(bpftool("-j", "link", "list"), linkId), object(ours("link", "list", "-j"), linkId));
        assertEquals(linkId + ": raw_tracepoint  prog " + rawTpId + "  \n\ttp 'sys_enter'  \n",
                ours("link", "show", "id", sid));
        // bpftool lists the users of a BTF object in its hash map's order, bpf4j in id order
        String expected = btfId + ": name <anon>  size " + org.bpf4j.btf.BtfInfo.of(btfId).size() + "B  prog_ids "
                + Math.min(progId, rawTpId) + "," + Math.max(progId, rawTpId) + "  map_ids "
                + Math.min(pairsId, countsId) + "," + Math.max(pairsId, countsId) + "\n";
        assertEquals(expected, ours("btf", "list", "id", Integer.toString(btfId)));
        String theirs = bpftool("btf", "show", "id", Integer.toString(btfId));
        assertTrue(theirs.matches(btfId + ": name <anon>  size \\d+B  prog_ids (" + progId + "," + rawTpId + "|" + rawTpId
                + "," + progId + ")  map_ids (" + pairsId + "," + countsId + "|" + countsId + "," + pairsId + ")\\n"), theirs);
    }

    @Test
    void progLoadPinsEveryMapWhichOutlivesTheCommand() {
        Path dir = fs.dir.resolve("pinmaps");
        Result r = bpf4j("prog", "load", KernelTests.fixture("inspect.o").toString(), "--pin-maps", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("inspect_raw_tp\traw_tracepoint\tok\ninspect_syscall\tsyscall\tok\n", r.out());
        // both programs were loaded one after the other: the second reused the maps the first pinned
        String pairs = bpftool("-j", "map", "show", "pinned", dir.resolve("pairs").toString());
        assertEquals(pairs, ours("map", "show", "pinned", dir.resolve("pairs").toString(), "-j"));
        assertTrue(pairs.startsWith("{\"id\":"), pairs);
        assertTrue(Files.exists(dir.resolve("shared_counts")));
        Result again = bpf4j("prog", "load", KernelTests.fixture("inspect.o").toString(), "--pin-maps", dir.toString());
        assertEquals(0, again.status(), again.err());
        assertEquals(pairs, ours("map", "show", "pinned", dir.resolve("pairs").toString(), "-j"), "the same map again");
    }

    @Test
    void xlatedDumpAsBpftool() {
        String sid = Integer.toString(progId), raw = Integer.toString(rawTpId);
        assertEquals(bpftool("prog", "dump", "xlated", "id", sid), ours("prog", "dump", "xlated", "id", sid));
        assertEquals(bpftool("prog", "dump", "xlated", "id", sid, "linum"), ours("prog", "dump", "xlated", "id", sid, "linum"));
        assertEquals(bpftool("-j", "prog", "dump", "xlated", "id", sid), ours("prog", "dump", "xlated", "id", sid, "-j"));
        assertEquals(bpftool("prog", "dump", "xlated", "id", raw), ours("prog", "dump", "xlated", "id", raw));
        String dump = ours("prog", "dump", "xlated", "id", Integer.toString(progId));
        assertTrue(dump.startsWith("int inspect_syscall(void * ctx):\n; int inspect_syscall(void *ctx)\n"), dump);
        assertTrue(dump.contains("r1 = map[id:" + countsId + "]"), dump);
        assertTrue(dump.matches("(?s).*call pc\\+\\d+#bpf_prog_[0-9a-f]{16}_bump\\n.*"), dump);
        assertTrue(dump.contains("u64 bump(u64 * c):\n"), dump);
        assertTrue(dump.matches("(?s).*call bpf_ktime_get_ns#-?\\d+\\n.*"), dump);
    }

    @Test
    void perfListAsBpftool() {
        String me = "pid " + ProcessHandle.current().pid() + "  ";
        String theirs = bpftool("perf", "list").lines().filter(l -> l.startsWith(me)).collect(Collectors.joining("\n"));
        String mine = ours("perf", "list").lines().filter(l -> l.startsWith(me)).collect(Collectors.joining("\n"));
        assertEquals(theirs, mine);
        assertTrue(mine.matches(me + "fd \\d+: prog_id " + rawTpId + "  raw_tracepoint  sys_enter"), mine);
        String json = "\\{\"pid\":" + ProcessHandle.current().pid() + ",[^{}]*\\}";
        Matcher a = Pattern.compile(json).matcher(bpftool("-j", "perf", "list"));
        Matcher b = Pattern.compile(json).matcher(ours("perf", "list", "-j"));
        assertTrue(a.find() && b.find());
        assertEquals(a.group(), b.group());
    }

    @Test
    void cgroupLinkShowAndDetach() throws Exception {
        Path root = org.bpf4j.link.CgroupLink.cgroup2Root();
        KernelTests.require(root != null, "cgroup v2 is not mounted");
        Path cg = Files.createDirectory(root.resolve("bpf4j-inspect-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        try (BpfObject attach = ObjectSpec.read(KernelTests.fixture("attach.o"))
                .load(LoadOptions.defaults().withPrograms(java.util.Set.of("cg_egress")));
             BpfLink l = attach.program("cg_egress").attachCgroup(cg)) {
            String sid = Integer.toString(l.info().id());
            assertEquals(bpftool("link", "show", "id", sid), ours("link", "show", "id", sid));
            assertEquals(bpftool("-j", "link", "show", "id", sid), ours("link", "show", "id", sid, "-j"));
            assertTrue(ours("link", "show", "id", sid).contains("  attach_type cgroup_inet_egress  "));
            assertTrue(l.info().targetId() != 0, "attached: the cgroup's id");
            ours("link", "detach", "id", sid);
            // detached by id from a second handle: the link stays, its cgroup is gone from it
            assertEquals(0, l.info().targetId());
            assertEquals(bpftool("link", "show", "id", sid), ours("link", "show", "id", sid));
        } finally {
            Files.delete(cg);
        }
    }

    @Test
    void badSelectionsAreOneLine() {
        Result r = bpf4j("map", "show", "id", "999999999");
        assertEquals(1, r.status());
        assertEquals("bpf4j map: no map with id 999999999\n", r.err());
        r = bpf4j("prog", "show", "pinned", fs.dir.resolve("shared_counts").toString());
        assertEquals(1, r.status());
        assertEquals("bpf4j prog: " + fs.dir.resolve("shared_counts") + " is not a pinned program (it holds a map)\n",
                r.err());
        r = bpf4j("link", "show", "tag", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("bpf4j link: expected 'id', 'pinned', got: 'tag'\n"), r.err());
        r = bpf4j("link", "detach", "id", Integer.toString(linkId));
        assertEquals(1, r.status());
        assertTrue(r.err().endsWith("the kernel cannot detach raw_tracepoint links on demand (BPF_LINK_DETACH: EOPNOTSUPP); "
                + "remove its pins and close its holders instead\n"), r.err());
    }
}
