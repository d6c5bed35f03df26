package org.bpf4j.btf;

import static org.bpf4j.btf.BtfTestSupport.fixture;
import static org.bpf4j.btf.BtfTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bpf4j.ObjectFileException;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * .BTF.ext of the btf_ext fixture: CO-RE relocations against llvm-objdump's decoding of the same
 * object (btf_ext.objdump.txt), func_info against the symbol table, line_info against the C source.
 */
class BtfExtTest {
    static ElfFile elf;
    static Btf btf;
    static BtfExt ext;
    static byte[] extBytes;

    @BeforeAll
    static void load() {
        elf = ElfFile.read(fixture("btf_ext.o"));
        btf = Btf.parse(elf.bytes(elf.section(".BTF")), "btf_ext.o", ".BTF");
        extBytes = elf.bytes(elf.section(".BTF.ext"));
        ext = BtfExt.parse(extBytes, btf, "btf_ext.o");
    }

    record ObjdumpRelo(long offset, String kind, int typeId, String description) {
    }

    /** CO-RE lines of llvm-objdump -d -r, by section, in order. */
    static Map<String, List<ObjdumpRelo>> objdumpRelos() {
        Map<String, List<ObjdumpRelo>> out = new LinkedHashMap<>();
        String section = null;
        Pattern sec = Pattern.compile("^Disassembly of section (.+):$");
        Pattern relo = Pattern.compile("^\\s+([0-9a-f]+):\\s+CO-RE <(\\w+)> \\[(\\d+)\\] (.*)$");
        for (String line : read(fixture("btf_ext.objdump.txt")).split("\n")) {
            Matcher s = sec.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher m = relo.matcher(line);
            if (m.matches()) {
                out.computeIfAbsent(section, k -> new ArrayList<>()).add(new ObjdumpRelo(Long.parseLong(m.group(1), 16),
                        m.group(2), Integer.parseInt(m.group(3)), m.group(4)));
            }
        }
        return out;
    }

    @Test
    void coreRelocationsMatchObjdump() {
        Map<String, List<ObjdumpRelo>> expected = objdumpRelos();
        assertEquals(List.of(".text", "tracepoint/sched/sched_switch", "kprobe/do_exit"), List.copyOf(expected.keySet()));
        assertEquals(expected.keySet(), ext.coreRelos().keySet());
        int total = 0;
        for (Map.Entry<String, List<ObjdumpRelo>> e : expected.entrySet()) {
            List<CoreRelo> actual = ext.coreRelos().get(e.getKey());
            assertEquals(e.getValue().size(), actual.size(), e.getKey());
            for (int i = 0; i < actual.size(); i++) {
                ObjdumpRelo o = e.getValue().get(i);
                CoreRelo r = actual.get(i);
                String what = e.getKey() + " #" + i + " " + o;
                assertEquals(o.offset(), r.insnOffset(), what);
                assertEquals(o.kind(), r.kind().libbpfName(), what);
                assertEquals(o.typeId(), r.typeId(), what);
                assertEquals(btf.stringsLength() > r.accessStringOffset(), true);
                assertEquals(btf.string(r.accessStringOffset()), r.access(), what);
                if (r.kind().isFieldBased()) {
                    assertTrue(o.description().endsWith(" (" + r.access() + ")"), what + " access " + r.access());
                } else if (r.kind().isEnumValueBased()) {
                    // "enum task_state::TASK_DEAD = 16": the access string is the enumerator's index
                    Matcher m = Pattern.compile("^enum (\\w+)::(\\w+) = (\\d+)$").matcher(o.description());
                    assertTrue(m.matches(), o.description());
                    int index = Integer.parseInt(r.access());
                    assertEquals(m.group(1), btf.name(r.typeId()));
                    assertEquals(m.group(2), btf.enumName(r.typeId(), index));
                    assertEquals(Long.parseLong(m.group(3)), btf.enumValue(r.typeId(), index));
                } else {
                    assertEquals("0", r.access(), what);
                    assertTrue(o.description().endsWith(" " + btf.name(r.typeId())), what);
                }
                total++;
            }
        }
        assertEquals(24, total);
        // all 13 kinds occur (btf_ext.c uses every bpf_core_* macro)
        java.util.EnumSet<CoreReloKind> kinds = java.util.EnumSet.noneOf(CoreReloKind.class);
        ext.coreRelos().values().forEach(l -> l.forEach(r -> kinds.add(r.kind())));
        assertEquals(java.util.EnumSet.allOf(CoreReloKind.class), kinds);
        assertEquals(16, ext.coreReloRecordSize());
        // by construction: BPF_CORE_READ(t, parent, pid) in read_pid
        int task = btf.find("task_struct", BtfKind.STRUCT);
        List<CoreRelo> text = ext.coreRelos().get(".text");
        long readPid = symbol("read_pid").value();
        List<CoreRelo> inReadPid = text.stream().filter(r -> r.insnOffset() >= readPid).toList();
        assertEquals(List.of(new CoreRelo(inReadPid.get(0).insnOffset(), task, inReadPid.get(0).accessStringOffset(), "0:4",
                CoreReloKind.FIELD_BYTE_OFFSET), new CoreRelo(inReadPid.get(1).insnOffset(), task,
                inReadPid.get(1).accessStringOffset(), "0:0", CoreReloKind.FIELD_BYTE_OFFSET)), inReadPid);
        assertEquals("parent", btf.memberName(task, 4));
        assertEquals("task_struct___old", btf.name(ext.coreRelos().get("tracepoint/sched/sched_switch").get(2).typeId()));
    }

    static Symbol symbol(String name) {
        for (Symbol s : elf.symbols()) {
            if (s.name().equals(name)) return s;
        }
        throw new AssertionError(name);
    }

    @Test
    void funcInfoMatchesTheSymbolTable() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        int functions = 0;
        for (Symbol s : elf.symbols()) {
            if (s.type() != Symbol.STT_FUNC) continue;
            Section sec = elf.section(s.sectionIndex());
            List<FuncInfo> infos = ext.funcInfos().get(sec.name());
            assertNotNull(infos, sec.name());
            FuncInfo fi = infos.stream().filter(f -> f.insnOffset() == s.value()).findFirst().orElseThrow();
            assertEquals(s.name(), btf.name(fi.typeId()));
            assertEquals(BtfKind.FUNC, btf.kind(fi.typeId()));
            expected.computeIfAbsent(sec.name(), k -> new ArrayList<>()).add(s.name());
            functions++;
        }
        assertEquals(5, functions, "read_bits, read_pid, on_switch, on_exit, xdp_pass");
        int infos = 0;
        for (Map.Entry<String, List<FuncInfo>> e : ext.funcInfos().entrySet()) {
            assertEquals(expected.get(e.getKey()).size(), e.getValue().size(), e.getKey());
            infos += e.getValue().size();
            for (int i = 1; i < e.getValue().size(); i++) {
                assertTrue(e.getValue().get(i).insnOffset() > e.getValue().get(i - 1).insnOffset(), "ascending");
            }
        }
        assertEquals(5, infos);
        assertEquals(List.of(".text", "tracepoint/sched/sched_switch", "kprobe/do_exit", "xdp"),
                List.copyOf(ext.funcInfos().keySet()), "file order");
        assertEquals(List.of(new FuncInfo(0, btf.find("xdp_pass", BtfKind.FUNC))), ext.funcInfos().get("xdp"));
        assertEquals(8, ext.funcInfoRecordSize());
    }

    @Test
    void lineInfoPointsAtTheSource() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/bpf/btf_ext.c"));
        int own = 0;
        assertEquals(ext.funcInfos().keySet(), ext.lineInfos().keySet());
        for (Map.Entry<String, List<LineInfo>> e : ext.lineInfos().entrySet()) {
            List<LineInfo> lines = e.getValue();
            assertEquals(ext.funcInfos().get(e.getKey()).get(0).insnOffset(), lines.get(0).insnOffset());
            long size = elf.section(e.getKey()).size();
            for (LineInfo li : lines) {
                assertTrue(li.insnOffset() >= 0 && li.insnOffset() < size && li.insnOffset() % 8 == 0, e.getKey());
                assertEquals(btf.string(li.fileNameOffset()), li.fileName());
                assertEquals(btf.string(li.lineOffset()), li.line());
                assertEquals(li.lineCol() >>> 10, li.lineNumber());
                assertEquals(li.lineCol() & 0x3ff, li.column());
                if (li.fileName().equals("./btf_ext.c")) {
                    own++;
                    assertEquals(source.get(li.lineNumber() - 1), li.line(), "line " + li.lineNumber());
                    assertTrue(li.column() <= source.get(li.lineNumber() - 1).length() + 1);
                }
            }
        }
        assertTrue(own > 20, "line infos in btf_ext.c: " + own);
        // xdp_pass is one line: return XDP_PASS;
        List<LineInfo> xdp = ext.lineInfos().get("xdp");
        assertEquals(1, xdp.size());
        assertEquals("\treturn XDP_PASS;", xdp.get(0).line());
        assertEquals(source.indexOf("\treturn XDP_PASS;") + 1, xdp.get(0).lineNumber());
        assertEquals(2, xdp.get(0).column());
        assertEquals(16, ext.lineInfoRecordSize());
        assertTrue(ext.toString().contains("func_info 5"), ext.toString());
    }

    // ---------------------------------------------------------------------------------------

    static ObjectFileException rejected(byte[] data, String problem) {
        ObjectFileException e = assertThrows(ObjectFileException.class, () -> BtfExt.parse(data, btf, "bad.o"));
        assertEquals("bad.o", e.file());
        assertEquals(".BTF.ext", e.section());
        assertTrue(e.getMessage().startsWith("bad.o: section .BTF.ext: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in " + e.getMessage());
        return e;
    }

    static byte[] with(int offset, int value) {
        byte[] d = extBytes.clone();
        BtfMalformedTest.putU32(d, offset, value);
        return d;
    }

    @Test
    void malformed() {
        for (int len = 0; len < extBytes.length; len++) {
            byte[] cut = Arrays.copyOf(extBytes, len);
            assertThrows(ObjectFileException.class, () -> BtfExt.parse(cut, btf, "cut.o"), "length " + len);
        }
        byte[] magic = extBytes.clone();
        magic[1] = 0;
        rejected(magic, "bad magic");
        byte[] version = extBytes.clone();
        version[2] = 3;
        rejected(version, "unsupported version 3");
        rejected(with(4, 20), "header length 20 too small");
        int hdr = Btf.u32(extBytes, 4);
        int funcOff = hdr + Btf.u32(extBytes, 8);
        int lineOff = hdr + Btf.u32(extBytes, 16);
        int coreOff = hdr + Btf.u32(extBytes, 24);
        rejected(with(8, Btf.u32(extBytes, 8) + 2), "func_info offset");
        rejected(with(funcOff, 4), "func_info: invalid record size 4");
        rejected(with(lineOff, 12), "line_info: invalid record size 12");
        rejected(with(coreOff, 18), "core_relo: invalid record size 18");
        rejected(with(funcOff + 4, btf.stringsLength() + 10), "func_info: section name string offset");
        rejected(with(funcOff + 8, 0), "func_info: section block with no records");
        rejected(with(funcOff + 8, 1000), "func_info: 1000 records of 8 bytes overrun the data");
        // first func_info record: insn_off, type_id
        rejected(with(funcOff + 12 + 4, btf.find("int", BtfKind.INT)), "is not a FUNC");
        rejected(with(lineOff + 12 + 4, -5), "line_info: file name string offset 4294967291 out of range");
        rejected(with(coreOff + 12 + 12, 13), "unknown CO-RE relocation kind 13");
        rejected(with(coreOff + 12 + 4, btf.typeCount()), "core_relo of section .text at insn offset 24: type id");
        rejected(with(coreOff + 12 + 8, btf.stringsLength()), "core_relo: access string string offset");
        rejected(with(12, Btf.u32(extBytes, 12) + 4096), "beyond the end of the section");
    }

    @Test
    void headerWithoutCoreRelosAndEmptySections() {
        // a 24-byte header (pre-CO-RE): func_info and line_info only
        byte[] old = extBytes.clone();
        BtfMalformedTest.putU32(old, 4, 24);
        // the sections' offsets are relative to the end of the header: shift the data 8 bytes down
        byte[] shifted = new byte[old.length - 8];
        System.arraycopy(old, 0, shifted, 0, 24);
        System.arraycopy(old, 32, shifted, 24, old.length - 32);
        BtfExt e = BtfExt.parse(shifted, btf, "old.o");
        assertTrue(e.coreRelos().isEmpty());
        assertEquals(0, e.coreReloRecordSize());
        assertEquals(ext.funcInfos(), e.funcInfos());
        assertEquals(ext.lineInfos(), e.lineInfos());
        // no sections at all
        byte[] none = Arrays.copyOf(extBytes, 32);
        for (int p = 8; p < 32; p += 4) BtfMalformedTest.putU32(none, p, 0);
        BtfExt n = BtfExt.parse(none, btf, "none.o");
        assertTrue(n.funcInfos().isEmpty() && n.lineInfos().isEmpty() && n.coreRelos().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> ext.funcInfos().put("x", List.of()));
    }

    @Test
    void coreReloKinds() {
        for (CoreReloKind k : CoreReloKind.values()) assertEquals(k, CoreReloKind.of(k.code()));
        assertEquals(12, CoreReloKind.TYPE_MATCHES.code());
        assertEquals("enumval_value", CoreReloKind.ENUMVAL_VALUE.libbpfName());
        assertThrows(IllegalArgumentException.class, () -> CoreReloKind.of(13));
        assertTrue(CoreReloKind.TYPE_MATCHES.isTypeBased());
        assertTrue(CoreReloKind.FIELD_RSHIFT_U64.isFieldBased());
        assertTrue(!CoreReloKind.TYPE_ID_LOCAL.isFieldBased());
        LineInfo li = new LineInfo(0, 0, 0, 42 << 10 | 7, "f", "l");
        assertEquals(42, li.lineNumber());
        assertEquals(7, li.column());
    }
}
