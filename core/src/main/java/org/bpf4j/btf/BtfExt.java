package org.bpf4j.btf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bpf4j.ObjectFileException;

/**
 * A parsed .BTF.ext section: per ELF code section, the func_info, line_info and CO-RE relocation
 * records, with strings resolved against the object's {@link Btf}. Offsets are kept as stored
 * (byte offsets within the section). Validation follows libbpf: header, alignment, bounds, record
 * sizes, non-empty blocks; plus every string offset, type id (func_info must name a FUNC) and
 * CO-RE kind. Immutable.
 */
public final class BtfExt {
    private static final int MAGIC = 0xeb9f;
    private static final int MIN_HEADER = 24;
    private static final int HEADER_WITH_CORE = 32;

    private final Map<String, List<FuncInfo>> funcInfos;
    private final Map<String, List<LineInfo>> lineInfos;
    private final Map<String, List<CoreRelo>> coreRelos;
    private final int funcInfoRecordSize;
    private final int lineInfoRecordSize;
    private final int coreReloRecordSize;

    private BtfExt(Map<String, List<FuncInfo>> funcInfos, Map<String, List<LineInfo>> lineInfos,
                   Map<String, List<CoreRelo>> coreRelos, int funcInfoRecordSize, int lineInfoRecordSize,
                   int coreReloRecordSize) {
        this.funcInfos = funcInfos;
        this.lineInfos = lineInfos;
        this.coreRelos = coreRelos;
        this.funcInfoRecordSize = funcInfoRecordSize;
        this.lineInfoRecordSize = lineInfoRecordSize;
        this.coreReloRecordSize = coreReloRecordSize;
    }

    /**
     * Parses the contents of a .BTF.ext section.
     *
     * @param data the section's contents
     * @return the parsed records
     * @param btf    the object's BTF (from its .BTF section), for strings and type ids
     * @param origin the file name for messages
     * @throws ObjectFileException naming the origin and section .BTF.ext if the data is malformed
     */
    public static BtfExt parse(byte[] data, Btf btf, String origin) {
        Parser p = new Parser(data, btf, origin);
        if (data.length < 8) throw p.fail("truncated header (" + data.length + " bytes)");
        int magic = (data[0] & 0xff) | (data[1] & 0xff) << 8;
        if (magic != MAGIC) {
            if (magic == 0x9feb) throw p.fail("big-endian .BTF.ext is not supported");
            throw p.fail("bad magic 0x" + Integer.toHexString(magic) + " (expected 0xeb9f)");
        }
        if (data[2] != 1) throw p.fail("unsupported version " + (data[2] & 0xff));
        if (data[3] != 0) throw p.fail("unsupported flags 0x" + Integer.toHexString(data[3] & 0xff));
        long hdrLen = u32l(data, 4);
        if (hdrLen > data.length) throw p.fail("header length " + hdrLen + " beyond the section (" + data.length + " bytes)");
        if (hdrLen < MIN_HEADER) throw p.fail("header length " + hdrLen + " too small (need " + MIN_HEADER + ")");
        p.hdrLen = (int) hdrLen;

        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        Map<String, List<LineInfo>> lines = new LinkedHashMap<>();
        Map<String, List<CoreRelo>> relos = new LinkedHashMap<>();
        int funcSize = p.infoSection("func_info", u32l(data, 8), u32l(data, 12), 8, 0, funcs, null, null);
        int lineSize = p.infoSection("line_info", u32l(data, 16), u32l(data, 20), 16, 1, null, lines, null);
        int coreSize = 0;
        if (hdrLen >= HEADER_WITH_CORE) {
            coreSize = p.infoSection("core_relo", u32l(data, 24), u32l(data, 28), 16, 2, null, null, relos);
        }
        return new BtfExt(freeze(funcs), freeze(lines), freeze(relos), funcSize, lineSize, coreSize);
    }

    private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
        for (Map.Entry<String, List<T>> e : m.entrySet()) e.setValue(Collections.unmodifiableList(e.getValue()));
        return Collections.unmodifiableMap(m);
    }

    /** {@return func_info records by ELF section name, sections in file order; unmodifiable} */
    public Map<String, List<FuncInfo>> funcInfos() {
        return funcInfos;
    }

    /** {@return line_info records by ELF section name, sections in file order; unmodifiable} */
    public Map<String, List<LineInfo>> lineInfos() {
        return lineInfos;
    }

    /** {@return CO-RE relocations by ELF section name, sections in file order (empty for old headers); unmodifiable} */
    public Map<String, List<CoreRelo>> coreRelos() {
        return coreRelos;
    }

    /** {@return the stored func_info record size in bytes (8 today; 0 if there is no func_info)} */
    public int funcInfoRecordSize() {
        return funcInfoRecordSize;
    }

    /** {@return the stored line_info record size in bytes (16 today; 0 if there is no line_info)} */
    public int lineInfoRecordSize() {
        return lineInfoRecordSize;
    }

    /** {@return the stored CO-RE relocation record size in bytes (16 today; 0 if there are none)} */
    public int coreReloRecordSize() {
        return coreReloRecordSize;
    }

    @Override
    public String toString() {
        return "BtfExt[func_info " + count(funcInfos) + ", line_info " + count(lineInfos) + ", core_relo "
                + count(coreRelos) + "]";
    }

    private static int count(Map<String, ? extends List<?>> m) {
        int n = 0;
        for (List<?> l : m.values()) n += l.size();
        return n;
    }

    private static final class Parser {
        final byte[] d;
        final Btf btf;
        final String origin;
        int hdrLen;

        Parser(byte[] d, Btf btf, String origin) {
            this.d = d;
            this.btf = btf;
            this.origin = origin;
        }

        ObjectFileException fail(String problem) {
            return new ObjectFileException(origin, ".BTF.ext", problem);
        }

        /** Parses one info section; returns its record size (0 if absent). */
        int infoSection(String what, long off, long len, int minRecord, int which, Map<String, List<FuncInfo>> funcs,
                        Map<String, List<LineInfo>> lines, Map<String, List<CoreRelo>> relos) {
            if (len == 0) return 0;
            if ((off & 3) != 0) throw fail(what + " offset " + off + " is not 4-byte aligned");
            long start = hdrLen + off;
            if (start + len > d.length) {
                throw fail(what + " at offset " + off + " length " + len + " is beyond the end of the section ("
                        + d.length + " bytes)");
            }
            if (len < 4) throw fail(what + ": record size missing");
            int recSize = Btf.u32(d, (int) start);
            if (recSize < minRecord || (recSize & 3) != 0) {
                throw fail(what + ": invalid record size " + Integer.toUnsignedString(recSize) + " (minimum " + minRecord + ")");
            }
            long left = len - 4;
            if (left == 0) throw fail(what + ": no records");
            int p = (int) start + 4;
            while (left > 0) {
                if (left < 8) throw fail(what + ": truncated section header");
                int secNameOff = Btf.u32(d, p);
                long num = u32l(d, p + 4);
                if (num == 0) throw fail(what + ": section block with no records");
                long total = 8 + num * recSize;
                if (total > left) throw fail(what + ": " + num + " records of " + recSize + " bytes overrun the data");
                String secName = string(what, secNameOff, "section name");
                int q = p + 8;
                for (long i = 0; i < num; i++, q += recSize) {
                    int insnOff = Btf.u32(d, q);
                    switch (which) {
                        case 0 -> {
                            int type = Btf.u32(d, q + 4);
                            if (type <= 0 || type >= btf.typeCount() || btf.kindCode(type) != BtfKind.FUNC.code()) {
                                throw fail(what + " of section " + secName + " at insn offset " + insnOff + ": type id "
                                        + Integer.toUnsignedString(type) + " is not a FUNC");
                            }
                            listFor(funcs, secName).add(new FuncInfo(insnOff, type));
                        }
                        case 1 -> {
                            int fileOff = Btf.u32(d, q + 4);
                            int lineOff = Btf.u32(d, q + 8);
                            int lineCol = Btf.u32(d, q + 12);
                            listFor(lines, secName).add(new LineInfo(insnOff, fileOff,
                                    lineOff, lineCol, string(what, fileOff, "file name"), string(what, lineOff, "line")));
                        }
                        default -> {
                            int type = Btf.u32(d, q + 4);
                            int accessOff = Btf.u32(d, q + 8);
                            int kind = Btf.u32(d, q + 12);
                            if (type < 0 || type >= btf.typeCount()) {
                                throw fail(what + " of section " + secName + " at insn offset " + insnOff + ": type id "
                                        + Integer.toUnsignedString(type) + " out of range");
                            }
                            if (kind < 0 || kind > CoreReloKind.TYPE_MATCHES.code()) {
                                throw fail(what + " of section " + secName + " at insn offset " + insnOff
                                        + ": unknown CO-RE relocation kind " + Integer.toUnsignedString(kind));
                            }
                            listFor(relos, secName).add(new CoreRelo(insnOff, type,
                                    accessOff, string(what, accessOff, "access string"), CoreReloKind.of(kind)));
                        }
                    }
                }
                p += (int) total;
                left -= total;
            }
            return recSize;
        }

        String string(String what, int off, String role) {
            try {
                return btf.string(off);
            } catch (IllegalArgumentException e) {
                throw fail(what + ": " + role + " string offset " + Integer.toUnsignedString(off) + " out of range");
            }
        }
    }

    /** Get-or-create without a lambda (a lambda's first use costs milliseconds in a fresh JVM). */
    private static <T> List<T> listFor(Map<String, List<T>> m, String key) {
        List<T> l = m.get(key);
        if (l == null) {
            l = new ArrayList<>();
            m.put(key, l);
        }
        return l;
    }

    private static long u32l(byte[] d, int p) {
        return Btf.u32(d, p) & 0xffffffffL;
    }
}
