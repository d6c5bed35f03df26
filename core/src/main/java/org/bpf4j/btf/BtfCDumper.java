package org.bpf4j.btf;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

import org.bpf4j.BpfException;
import org.bpf4j.ObjectFileException;

/**
 * Writes BTF types as compilable C declarations, the way libbpf's BTF-to-C converter
 * ({@code btf_dump__dump_type}, libbpf 1.1 as in bpftool 7.1) does, so that
 * {@link #dumpAll} plus {@link #writeHeader}/{@link #writeFooter} produce the same text as
 * {@code bpftool btf dump file X format c}:
 * <ul>
 * <li>types come out in a topological order where every type is defined before a definition
 *     that embeds it; a struct or union only reached through a pointer gets a forward declaration
 *     ({@code struct x;}) at the point it is first needed and its definition later;</li>
 * <li>anonymous structs, unions and enums are written inline where they are used; anonymous
 *     enums nothing refers to are written at top level (kernel constants);</li>
 * <li>bitfields, explicit padding ({@code long: 64;}, {@code int: 0;}) that recreates the exact
 *     layout, {@code __attribute__((packed))} for structs that cannot be laid out naturally,
 *     enum64 values with {@code ULL}/{@code LL} suffixes, type tags as {@code btf_type_tag}
 *     attributes;</li>
 * <li>a name used by two different types gets the suffix {@code ___2}, {@code ___3}... in the
 *     order the names are first written (typedefs and enumerators share one namespace, struct,
 *     union, enum and int names another).</li>
 * </ul>
 * State is kept between calls to {@link #dumpType}: a type is written once. Pointers are
 * 8 bytes (bpf4j supports 64-bit kernels only).
 *
 * <p>Where bpftool 7.1 writes a layout C does not reproduce, this writer fixes it (these are its
 * only differences from bpftool 7.1's text): {@code __attribute__((mode(byte)))} after 1-byte
 * enums and {@code __attribute__((mode(word)))} after 8-byte ones whose values fit 32 bits (as
 * libbpf 1.1+ and bpftool 7.2+ do), and {@code __attribute__((packed))} after unions whose size
 * is no multiple of their alignment (no bpftool does).
 *
 * <p>Beyond bpftool: {@link #keepMembers} trims a struct or union to chosen members. The others
 * become {@code char __bpf4j_padN[]} fillers (N the byte offset), so offsets and size stay those
 * of the original, and the types only the dropped members used are not written.
 *
 * <p>Not thread-safe; one instance per output.
 */
public final class BtfCDumper {
    private static final byte[] HEADER = ("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
            + "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
            + "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
            + "#endif\n\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FOOTER = ("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n"
            + "#endif\n\n#endif /* __VMLINUX_H__ */\n").getBytes(StandardCharsets.US_ASCII);

    private static final byte[] STRUCT_KW = ascii("struct");
    private static final byte[] UNION_KW = ascii("union");
    private static final byte[] ENUM_KW = ascii("enum");
    private static final byte[] TYPEDEF_KW = ascii("typedef ");
    private static final byte[] SEMI_NL2 = ascii(";\n\n");
    private static final byte[] PACKED = ascii(" __attribute__((packed))");
    private static final byte[] MODE_BYTE = ascii(" __attribute__((mode(byte)))");
    private static final byte[] MODE_WORD = ascii(" __attribute__((mode(word)))");
    private static final byte[] TYPE_TAG_OPEN = ascii(" __attribute__((btf_type_tag(\"");
    private static final byte[] TYPE_TAG_CLOSE = ascii("\")))");
    private static final byte[] VOLATILE_ = ascii("volatile ");
    private static final byte[] CONST_ = ascii("const ");
    private static final byte[] RESTRICT_ = ascii("restrict ");
    private static final byte[] _VOLATILE = ascii(" volatile");
    private static final byte[] _CONST = ascii(" const");
    private static final byte[] _RESTRICT = ascii(" restrict");
    private static final byte[] VOID = ascii("void");
    private static final byte[] DUP = ascii("___");
    private static final byte[] VARARGS = ascii("...");
    private static final byte[] COMMA_SP = ascii(", ");
    private static final byte[] SP_EQ_SP = ascii(" = ");
    private static final byte[] LL = ascii("LL,");
    private static final byte[] ULL = ascii("ULL,");
    private static final byte[] PAD_NAME = ascii("char __bpf4j_pad");
    private static final byte[] GNUC_VA_LIST = ascii("__gnuc_va_list");
    private static final byte[] GNUC_VA_LIST_TYPEDEF = ascii("typedef __builtin_va_list __gnuc_va_list");
    private static final byte[] BUILTIN_VA_LIST = ascii("__builtin_va_list");
    /** GCC's Arm SIMD polynomial types, which clang lacks: aliased to plain integers, as libbpf does. */
    private static final String[][] MISSING_BASE_TYPES = {
        {"__Poly8_t", "unsigned char"}, {"__Poly16_t", "unsigned short"},
        {"__Poly64_t", "unsigned long long"}, {"__Poly128_t", "unsigned __int128"},
    };
    /** libbpf indents with at most this many tabs. */
    private static final int MAX_INDENT = 13;
    private static final int PTR_SIZE = 8;

    // order states
    private static final byte NOT_ORDERED = 0, ORDERING = 1, ORDERED = 2;
    // emit states
    private static final byte NOT_EMITTED = 0, EMITTING = 1, EMITTED = 2;
    // flag bits
    private static final byte FWD_EMITTED = 1, NAME_RESOLVED = 2, REFERENCED = 4;

    private final Btf btf;
    private final COut out;
    private final int count;
    private final byte[] order;
    private final byte[] emit;
    private final byte[] flags;
    /** The ___N suffix of a type's name, 0 if none. */
    private final int[] dupSuffix;
    /** btf__align_of per type, computed on demand: 0 unknown, -1 error, else the alignment. */
    private final int[] alignCache;
    private final NameCounts typeNames;
    private final NameCounts identNames;
    private int[] emitQueue = new int[64];
    private int emitCount;
    private int[] declStack = new int[64];
    private int declCount;
    private Map<Integer, BitSet> kept;
    private boolean started;

    // the string located by locate(): bytes at sa[sp], NUL-terminated
    private byte[] sa;
    private int sp;

    // A flat view of the BTF (and its bases, for split BTF): every type record at r[off[id]], the
    // strings of level i at r[strPos[i] + offset - strBase[i]]. Decoded here rather than through
    // Btf's checked accessors: the dumper reads each record many times.
    private byte[] r;
    private int[] off;
    private int[] strBase;
    private int[] strPos;
    // the common header of every type, decoded once into dense arrays: the dumper reads these
    // for types it reaches in no particular order, and they stay in cache where the 5 MB of
    // records would not
    private byte[] kinds;     // kind | kind flag << 7
    private char[] vlens;
    private int[] nameOffs;
    private int[] sizeTypes;

    /**
     * A dumper writing to {@code out} (buffered here; call {@link #flush}).
     *
     * @param btf the types to write
     * @param out where the C text goes; not closed here
     * @throws ObjectFileException if the BTF has a type kind this dumper does not know
     */
    public BtfCDumper(Btf btf, OutputStream out) {
        this(btf, new COut(out));
    }

    private BtfCDumper(Btf btf, COut out) {
        this.btf = btf;
        this.out = out;
        this.count = btf.typeCount();
        this.order = new byte[count];
        this.emit = new byte[count];
        this.flags = new byte[count];
        this.dupSuffix = new int[count];
        this.alignCache = new int[count];
        flatten();
        this.typeNames = new NameCounts(count);
        this.identNames = new NameCounts(count);
        order[0] = ORDERED;
        emit[0] = EMITTED;
        checkLayouts();
        markReferenced();
    }

    /** Struct sizes past this are beyond libbpf's layout arithmetic (bit offsets in 32 bits). */
    static final long MAX_STRUCT_SIZE = (1L << 28) - 1;
    /** Padding allowed in total: this much, plus {@link #PADDING_PER_TYPE} per type of the BTF. */
    static final long PADDING_BASE = 16L << 20;
    static final long PADDING_PER_TYPE = 4096;

    /**
     * Refuses layouts no compiler makes, before anything is written: a struct member that starts
     * before the one before it or ends past the struct's size, or a union member past the union's
     * size (the kernel's BTF verifier refuses both), a struct larger than {@link #MAX_STRUCT_SIZE}
     * (libbpf's bit offsets wrap there), and padding (bytes no member covers, each becoming
     * {@code long: 64;} lines) beyond what the size of the BTF can justify. A corrupted BTF of a
     * few KB would otherwise write hundreds of MB of padding lines.
     */
    private void checkLayouts() {
        long padding = 0;
        long allowed = PADDING_BASE + PADDING_PER_TYPE * count;
        for (int id = 1; id < count; id++) {
            int k = kindCode(id);
            if (k != STRUCT && k != UNION) continue;
            long size = Integer.toUnsignedLong(sizeOrType(id));
            if (size > MAX_STRUCT_SIZE) {
                throw badLayout(id, "size " + size + " bytes is larger than any C layout bpf4j (or libbpf) writes ("
                        + MAX_STRUCT_SIZE + ")");
            }
            boolean kflag = kindFlag(id);
            long off = 0, last = 0;
            for (int i = 0, n = vlen(id); i < n; i++) {
                int raw = word(id, 3 * i + 2);
                int bitSize = kflag ? raw >>> 24 : 0;
                long mOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
                long bits = bitSize != 0 ? bitSize : Math.max(0, resolveSize(memberType(id, i))) * 8;
                if (k == STRUCT && mOff < last) {
                    throw badLayout(id, "member #" + i + " at bit " + mOff + " starts before the member before it (bit "
                            + last + ")");
                }
                if (mOff + bits > size * 8) {
                    throw badLayout(id, "member #" + i + " at bit " + mOff + " (" + bits + " bits) ends past the size ("
                            + size + " bytes)");
                }
                if (k == STRUCT) {
                    padding += Math.max(0, mOff - off) / 8;
                    off = Math.max(off, mOff + bits);
                    last = mOff;
                }
            }
            if (k == STRUCT) padding += (size * 8 - off) / 8;
            if (padding > allowed) {
                throw badLayout(id, "the BTF's structs would need more than " + allowed + " bytes of padding lines ("
                        + (count - 1) + " types); its sizes disagree with their members");
            }
        }
    }

    private ObjectFileException badLayout(int id, String problem) {
        return new ObjectFileException(btf.origin(), null, "impossible layout of " + btf.describe(id) + ": " + problem);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------
    // Public entry points

    /**
     * Writes the whole BTF like {@code bpftool btf dump file X format c}, header and footer included.
     *
     * @param btf the types to write, such as the kernel's
     * @param out where the C text goes; flushed, not closed
     */
    public static void dumpVmlinuxH(Btf btf, OutputStream out) {
        BtfCDumper d = new BtfCDumper(btf, out);
        d.writeHeader();
        d.dumpAll();
        d.writeFooter();
        d.flush();
    }

    /**
     * The C text of every type (without header and footer), as one string.
     *
     * @param btf the types to write
     * @return the C declarations
     */
    public static String toC(Btf btf) {
        BtfCDumper d = new BtfCDumper(btf, new COut(null));
        d.dumpAll();
        return d.out.toString();
    }

    /** bpftool's opening lines: the include guard and the {@code preserve_access_index} pragma. */
    public void writeHeader() {
        out.raw(HEADER);
    }

    /** bpftool's closing lines. */
    public void writeFooter() {
        out.raw(FOOTER);
    }

    /**
     * Writes comment text (each line prefixed with {@code " * "}) as a C block comment.
     *
     * @param text the comment, lines separated by '\n'; a {@code *}{@code /} in it is broken up
     */
    public void writeComment(String text) {
        out.raw(ascii("/*"));
        for (String line : text.split("\n", -1)) {
            out.ch('\n').ch(' ').ch('*');
            if (!line.isEmpty()) out.ch(' ').str(line.replace("*/", "* /"));
        }
        out.raw(ascii("\n */\n"));
    }

    /** Writes every type in id order, as bpftool does for a whole file. */
    public void dumpAll() {
        for (int id = 1; id < count; id++) dumpType(id);
    }

    /**
     * Writes type {@code id} and every type it needs, each once per dumper (libbpf's
     * {@code btf_dump__dump_type}). Types that are no definitions (FUNC, VAR, DATASEC, DECL_TAG,
     * pointers, modifiers) produce only what they depend on.
     *
     * @param id the type id, 0 (void: nothing to write) to the BTF's type count - 1
     * @throws IllegalArgumentException if {@code id} is out of range
     * @throws BpfException if the type graph has a loop C cannot express (malformed BTF)
     */
    public void dumpType(int id) {
        if (id < 0 || id >= count) {
            throw new IllegalArgumentException(btf.origin() + ": BTF type id " + id + " out of range [0, " + count + ")");
        }
        started = true;
        emitCount = 0;
        try {
            orderType(id, false);
            for (int i = 0; i < emitCount; i++) {
                emitType(emitQueue[i], 0);
                out.maybeFlush();
            }
        } catch (StackOverflowError e) {
            throw new ObjectFileException(btf.origin(), null, "BTF type chains too deep to write as C (from type "
                    + btf.describe(id) + ")");
        }
    }

    /**
     * Restricts the struct or union {@code id} to the members {@code memberIndexes} (indexes into
     * its member list); the bytes of the others become padding arrays. Call before dumping.
     *
     * @param id a struct or union type id
     * @param memberIndexes the indexes of the members to keep; copied
     * @return this dumper
     * @throws IllegalArgumentException if {@code id} is not a struct or union
     * @throws IllegalStateException if dumping has started
     */
    public BtfCDumper keepMembers(int id, BitSet memberIndexes) {
        if (started) throw new IllegalStateException("keepMembers must be called before dumping");
        int k = kindCode(id);
        if (k != STRUCT && k != UNION) throw new IllegalArgumentException(btf.describe(id) + " is not a struct or union");
        if (kept == null) kept = new HashMap<>();
        kept.put(id, (BitSet) memberIndexes.clone());
        return this;
    }

    /**
     * The types a selector names, for a filtered header (what {@code --type} takes):
     * <ul>
     * <li>{@code NAME}: every struct, union, enum, typedef, forward declaration, int or float
     *     called NAME; if there is none, every enum (named or anonymous) with an enumerator NAME,
     *     so that {@code BPF_ANY} selects the anonymous enum that defines it;</li>
     * <li>{@code struct NAME}, {@code union NAME}, {@code enum NAME}, {@code typedef NAME}: only
     *     that kind;</li>
     * <li>{@code NAME:member,member}: a struct or union trimmed to those members (see
     *     {@link #keepMembers}); a member of an anonymous struct or union inside it is named by
     *     its own name, which keeps the anonymous member that holds it.</li>
     * </ul>
     * Returns the ids in ascending order; trimming is registered on this dumper.
     *
     * @param selector one selector, as above
     * @return the selected type ids, ascending
     * @throws IllegalArgumentException if nothing matches, or a member does not exist
     */
    public int[] select(String selector) {
        String spec = selector.strip();
        String members = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            members = spec.substring(colon + 1).strip();
            spec = spec.substring(0, colon).strip();
        }
        int wantKind = -1;
        int space = spec.indexOf(' ');
        if (space > 0) {
            String kw = spec.substring(0, space);
            wantKind = switch (kw) {
                case "struct" -> STRUCT;
                case "union" -> UNION;
                case "enum" -> ENUM;
                case "typedef" -> TYPEDEF;
                default -> throw new IllegalArgumentException("bad type selector '" + selector
                        + "' (expected NAME, struct NAME, union NAME, enum NAME or typedef NAME, optionally :member,...)");
            };
            spec = spec.substring(space + 1).strip();
        }
        if (spec.isEmpty()) throw new IllegalArgumentException("empty type selector '" + selector + "'");
        int[] found = new int[4];
        int n = 0;
        for (int id : btf.findAll(spec)) {
            int k = btf.kindCode(id);
            boolean ok = wantKind < 0
                    ? (k == INT || k == STRUCT || k == UNION || k == ENUM || k == FWD || k == TYPEDEF || k == FLOAT
                            || k == ENUM64)
                    : wantKind == ENUM ? (k == ENUM || k == ENUM64) : k == wantKind;
            if (!ok) continue;
            if (n == found.length) found = Arrays.copyOf(found, n * 2);
            found[n++] = id;
        }
        if (n == 0 && (wantKind < 0 || wantKind == ENUM) && members == null) {
            // an enumerator: its enum
            byte[] q = spec.getBytes(StandardCharsets.UTF_8);
            for (int id = 1; id < count; id++) {
                int k = btf.kindCode(id);
                if (k != ENUM && k != ENUM64) continue;
                for (int i = 0, v = btf.vlen(id); i < v; i++) {
                    if (nameEquals(btf.word(id, k == ENUM64 ? 3 * i : 2 * i), q)) {
                        if (n == found.length) found = Arrays.copyOf(found, n * 2);
                        found[n++] = id;
                        break;
                    }
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(btf.origin() + ": no type" + (wantKind < 0 ? " or enumerator" : "")
                    + " named '" + spec + "'" + (wantKind >= 0 ? " of that kind" : ""));
        }
        int[] ids = Arrays.copyOf(found, n);
        if (members != null) {
            String[] wanted = members.split(",");
            int composites = 0;
            for (int id : ids) {
                int k = btf.kindCode(id);
                if (k != STRUCT && k != UNION) continue;
                composites++;
                BitSet keep = kept != null && kept.containsKey(id) ? kept.get(id) : new BitSet();
                for (String m : wanted) {
                    String name = m.strip();
                    if (name.isEmpty()) continue;
                    int index = memberIndex(id, name);
                    if (index < 0) {
                        throw new IllegalArgumentException(btf.origin() + ": " + btf.describe(id) + " has no member '"
                                + name + "'");
                    }
                    keep.set(index);
                }
                keepMembers(id, keep);
            }
            if (composites == 0) {
                throw new IllegalArgumentException("'" + selector + "': members can only be chosen for a struct or union");
            }
        }
        return ids;
    }

    /** The index of the member called name, directly or inside an anonymous member; -1 if none. */
    private int memberIndex(int id, String name) {
        for (int i = 0, v = btf.vlen(id); i < v; i++) {
            if (btf.memberName(id, i).equals(name)) return i;
        }
        for (int i = 0, v = btf.vlen(id); i < v; i++) {
            if (btf.memberNameOffset(id, i) != 0) continue;
            int t = btf.resolve(btf.memberType(id, i));
            int k = btf.kindCode(t);
            if ((k == STRUCT || k == UNION) && memberIndex(t, name) >= 0) return i;
        }
        return -1;
    }

    /**
     * Writes a header with the selected types and what they need (see {@link #select}), in the
     * order of a full dump, between bpftool's header and footer lines.
     *
     * @param btf the types to choose from
     * @param selectors what to select, each as {@link #select} takes it
     * @param comment text for a C comment written first, or null for none
     * @param out where the C text goes; flushed, not closed
     * @throws IllegalArgumentException if a selector matches nothing
     */
    public static void dumpSelected(Btf btf, java.util.List<String> selectors, String comment, OutputStream out) {
        BtfCDumper d = new BtfCDumper(btf, out);
        BitSet roots = new BitSet();
        for (String s : selectors) {
            for (int id : d.select(s)) roots.set(id);
        }
        if (comment != null) d.writeComment(comment);
        d.writeHeader();
        for (int id = roots.nextSetBit(0); id >= 0; id = roots.nextSetBit(id + 1)) d.dumpType(id);
        d.writeFooter();
        d.flush();
    }

    /**
     * The C name a named type was written with (with its ___N suffix), or null if its name was
     * never written (or it has none). For tests that check the layout of the written types.
     */
    String writtenName(int id) {
        if (id <= 0 || id >= count || nameOffset(id) == 0 || (flags[id] & NAME_RESOLVED) == 0) return null;
        locate(nameOffset(id));
        int e = sp;
        while (sa[e] != 0) e++;
        String n = new String(sa, sp, e - sp, StandardCharsets.UTF_8);
        return dupSuffix[id] > 1 ? n + "___" + dupSuffix[id] : n;
    }

    /** Writes what is buffered to the stream and flushes it. */
    public void flush() {
        out.flush();
    }


    private void flatten() {
        flattenRecords();
        kinds = new byte[count];
        vlens = new char[count];
        nameOffs = new int[count];
        sizeTypes = new int[count];
        byte[] a = r;
        for (int id = 1; id < count; id++) {
            int p = off[id];
            nameOffs[id] = u32(p);
            vlens[id] = (char) ((a[p + 4] & 0xff) | (a[p + 5] & 0xff) << 8);
            kinds[id] = (byte) ((a[p + 7] & 0x1f) | (a[p + 7] & 0x80));
            sizeTypes[id] = u32(p + 8);
        }
    }

    private void flattenRecords() {
        java.util.ArrayList<Btf> levels = new java.util.ArrayList<>();
        for (Btf b = btf; b != null; b = b.base()) levels.add(0, b);
        off = new int[count];
        strBase = new int[levels.size()];
        strPos = new int[levels.size()];
        if (levels.size() == 1) {
            r = btf.rawArray();
            for (int id = 1; id < count; id++) off[id] = btf.recordOffset(id);
            strBase[0] = 0;
            strPos[0] = btf.stringSectionStart();
            return;
        }
        int total = 0;
        for (Btf b : levels) total += b.rawArray().length;
        r = new byte[total];
        int at = 0;
        for (int i = 0; i < levels.size(); i++) {
            Btf b = levels.get(i);
            byte[] raw = b.rawArray();
            System.arraycopy(raw, 0, r, at, raw.length);
            for (int id = Math.max(1, b.firstId()); id < b.typeCount(); id++) off[id] = at + b.recordOffset(id);
            strBase[i] = b.stringsStart();
            strPos[i] = at + b.stringSectionStart();
            at += raw.length;
        }
    }

    private int u32(int p) {
        byte[] a = r;
        return (a[p] & 0xff) | (a[p + 1] & 0xff) << 8 | (a[p + 2] & 0xff) << 16 | a[p + 3] << 24;
    }

    private int kindCode(int id) {
        return kinds[id] & 0x1f;
    }

    private int nameOffset(int id) {
        return nameOffs[id];
    }

    private int vlen(int id) {
        return vlens[id];
    }

    private boolean kindFlag(int id) {
        return kinds[id] < 0;
    }

    private int sizeOrType(int id) {
        return sizeTypes[id];
    }

    /** The n-th word after the 12-byte header (id is not void). */
    private int word(int id, int n) {
        return u32(off[id] + 12 + 4 * n);
    }

    private int arrayType(int id) {
        return word(id, 0);
    }

    private int arrayIndexType(int id) {
        return word(id, 1);
    }

    private int arrayNelems(int id) {
        return word(id, 2);
    }

    private int memberNameOffset(int id, int i) {
        return word(id, 3 * i);
    }

    private int memberType(int id, int i) {
        return word(id, 3 * i + 1);
    }

    private int paramNameOffset(int id, int i) {
        return word(id, 2 * i);
    }

    private int paramType(int id, int i) {
        return word(id, 2 * i + 1);
    }

    private int datasecVarType(int id, int i) {
        return word(id, 3 * i);
    }

    // ------------------------------------------------------------------------------------------
    // Strings

    /** Points sa/sp at the NUL-terminated string at BTF string offset off (in this BTF or its bases). */
    private void locate(int offset) {
        int i = strBase.length - 1;
        while (i > 0 && offset < strBase[i]) i--;
        sa = r;
        sp = strPos[i] + offset - strBase[i];
    }

    private boolean isAnon(int id) {
        return nameOffset(id) == 0;
    }

    /** Writes the name at string offset off. */
    private void writeString(int off) {
        locate(off);
        out.cstr(sa, sp);
    }

    private boolean nameEquals(int off, byte[] name) {
        locate(off);
        byte[] a = sa;
        int p = sp;
        for (int i = 0; i < name.length; i++) {
            if (a[p + i] != name[i]) return false;
        }
        return a[p + name.length] == 0;
    }

    /** Counts occurrences of names (by content) for the ___N suffixes. */
    private final class NameCounts {
        private int[] keys; // string offset + 1; 0 = empty slot
        private int[] hashes;
        private int[] counts;
        private int size;

        NameCounts(int expected) {
            int cap = Integer.highestOneBit(Math.max(64, expected)) << 1;
            keys = new int[cap];
            hashes = new int[cap];
            counts = new int[cap];
        }

        /** The length of the name last counted. */
        int lastLength;

        /**
         * Counts one more use of the name at string offset off; returns the new count. Leaves
         * {@code sa}/{@code sp} on a string with the name's bytes.
         */
        int increment(int off) {
            locate(off);
            byte[] a = sa;
            int p = sp;
            int h = 0x811c9dc5;
            int len = 0;
            for (int c; (c = a[p + len]) != 0; len++) h = (h ^ (c & 0xff)) * 0x01000193;
            h ^= h >>> 15;
            lastLength = len;
            int mask = keys.length - 1;
            for (int s = h & mask; ; s = (s + 1) & mask) {
                int k = keys[s];
                if (k == UNKN) {
                    keys[s] = off + 1;
                    hashes[s] = h;
                    counts[s] = 1;
                    if (++size * 2 > keys.length) grow();
                    return 1;
                }
                if (hashes[s] == h && (k - 1 == off || sameString(k - 1, a, p, len))) {
                    return ++counts[s];
                }
            }
        }

        private boolean sameString(int otherOff, byte[] a, int p, int len) {
            locate(otherOff);
            byte[] b = sa;
            int q = sp;
            for (int i = 0; i < len; i++) {
                if (a[p + i] != b[q + i]) return false;
            }
            return b[q + len] == 0;
        }

        private void grow() {
            int[] ok = keys, oh = hashes, oc = counts;
            keys = new int[ok.length * 2];
            hashes = new int[ok.length * 2];
            counts = new int[ok.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < ok.length; i++) {
                if (ok[i] == 0) continue;
                int s = oh[i] & mask;
                while (keys[s] != 0) s = (s + 1) & mask;
                keys[s] = ok[i];
                hashes[s] = oh[i];
                counts[s] = oc[i];
            }
        }
    }

    /**
     * libbpf's name resolution: the first time a type's name is needed it is counted in its
     * namespace, and if another type took the name before, this one becomes NAME___N. Forward
     * declarations and empty enums keep their name uncounted. Returns the suffix (0 for none).
     */
    private int resolveName(int id, NameCounts names) {
        if (nameOffset(id) == 0) return 0;
        if ((flags[id] & NAME_RESOLVED) != 0) return dupSuffix[id];
        flags[id] |= NAME_RESOLVED;
        int k = kindCode(id);
        if (k == FWD || (k == ENUM && vlen(id) == 0)) return 0;
        int n = names.increment(nameOffset(id));
        if (n > 1) dupSuffix[id] = n;
        return dupSuffix[id];
    }

    private void writeTypeName(int id) {
        int off = nameOffset(id);
        if (off == 0) return;
        int suffix = resolveName(id, typeNames);
        writeString(off);
        if (suffix > 1) out.raw(DUP).dec(suffix);
    }

    private void writeIdentName(int id) {
        int off = nameOffset(id);
        if (off == 0) return;
        int suffix = resolveName(id, identNames);
        writeString(off);
        if (suffix > 1) out.raw(DUP).dec(suffix);
    }

    // ------------------------------------------------------------------------------------------
    // Pass 1: which types are referenced (top-level anonymous enums are those nothing refers to)

    private void markReferenced() {
        for (int id = 1; id < count; id++) {
            int k = kindCode(id);
            switch (k) {
                case INT, ENUM, FWD, FLOAT, ENUM64 -> {
                }
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, VAR, DECL_TAG, TYPE_TAG -> ref(sizeOrType(id));
                case ARRAY -> {
                    ref(arrayIndexType(id));
                    ref(arrayType(id));
                }
                case STRUCT, UNION -> {
                    for (int i = 0, n = vlen(id); i < n; i++) ref(memberType(id, i));
                }
                case FUNC_PROTO -> {
                    for (int i = 0, n = vlen(id); i < n; i++) ref(paramType(id, i));
                }
                case DATASEC -> {
                    for (int i = 0, n = vlen(id); i < n; i++) ref(datasecVarType(id, i));
                }
                default -> throw new ObjectFileException(btf.origin(), null, "BTF type " + btf.describe(id)
                        + " has a kind the C writer does not know");
            }
        }
    }

    private void ref(int id) {
        if (id >= 0 && id < count) flags[id] |= REFERENCED;
    }

    // ------------------------------------------------------------------------------------------
    // Pass 2: topological order

    private void enqueue(int id) {
        if (emitCount == emitQueue.length) emitQueue = Arrays.copyOf(emitQueue, emitCount * 2);
        emitQueue[emitCount++] = id;
    }

    /**
     * Orders type id and what it needs before the definitions that contain it, appending named
     * definitions to the emit queue. Returns true for a strong link (the type must be complete
     * where it is used), false for a weak one (a forward declaration will do). {@code throughPtr}
     * says the path from the root went through a pointer.
     */
    private boolean orderType(int id, boolean throughPtr) {
        if (order[id] == ORDERED) return true;
        int k = kindCode(id);
        if (order[id] == ORDERING) {
            // a loop is fine through a pointer to a named struct/union: a forward declaration breaks it
            if ((k == STRUCT || k == UNION) && throughPtr && !isAnon(id)) return false;
            throw new ObjectFileException(btf.origin(), null, "BTF type " + btf.describe(id)
                    + " is part of a type loop C cannot express");
        }
        switch (k) {
            case INT, FLOAT -> {
                order[id] = ORDERED;
                return false;
            }
            case PTR -> {
                boolean strong = orderType(sizeOrType(id), true);
                order[id] = ORDERED;
                return strong;
            }
            case ARRAY -> {
                return orderType(arrayType(id), false);
            }
            case STRUCT, UNION -> {
                boolean anon = isAnon(id);
                // named and reached through a pointer: a forward declaration will do
                if (throughPtr && !anon) return false;
                order[id] = ORDERING;
                BitSet keep = kept == null ? null : kept.get(id);
                for (int i = 0, n = vlen(id); i < n; i++) {
                    if (keep != null && !keep.get(i)) continue;
                    orderType(memberType(id, i), false);
                }
                if (!anon) enqueue(id);
                order[id] = ORDERED;
                return true;
            }
            case ENUM, ENUM64, FWD -> {
                // named ones, and anonymous ones nothing refers to, are top-level declarations
                if (!isAnon(id) || (flags[id] & REFERENCED) == 0) enqueue(id);
                order[id] = ORDERED;
                return true;
            }
            case TYPEDEF -> {
                boolean strong = orderType(sizeOrType(id), throughPtr);
                if (throughPtr && !strong) return false;
                enqueue(id);
                order[id] = ORDERED;
                return true;
            }
            case VOLATILE, CONST, RESTRICT, TYPE_TAG -> {
                return orderType(sizeOrType(id), throughPtr);
            }
            case FUNC_PROTO -> {
                boolean strong = orderType(sizeOrType(id), throughPtr);
                for (int i = 0, n = vlen(id); i < n; i++) {
                    if (orderType(paramType(id, i), throughPtr)) strong = true;
                }
                return strong;
            }
            case FUNC, VAR, DATASEC, DECL_TAG -> {
                order[id] = ORDERED;
                return false;
            }
            default -> throw new ObjectFileException(btf.origin(), null, "BTF type " + btf.describe(id)
                    + " has a kind the C writer does not know");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Pass 3: emitting

    private boolean isBlacklisted(int id) {
        int off = nameOffset(id);
        return off != 0 && nameEquals(off, BUILTIN_VA_LIST);
    }

    /**
     * Emits type id: its definition at top level ({@code contId} 0), or the forward declarations
     * and inline definitions its use inside the definition of {@code contId} needs.
     */
    private void emitType(int id, int contId) {
        if (emit[id] == EMITTED) return;
        int k = kindCode(id);
        if (emit[id] == EMITTING) {
            if ((flags[id] & FWD_EMITTED) != 0) return;
            if (k == STRUCT || k == UNION) {
                // a reference to the struct being defined needs no forward declaration
                if (id == contId) return;
                if (isAnon(id)) return; // anonymous struct/union loop: nothing sensible to write
                emitStructFwd(id);
                out.raw(SEMI_NL2);
                flags[id] |= FWD_EMITTED;
            } else if (k == TYPEDEF) {
                // the typedef serves as a declaration for uses through pointers
                if (!isBlacklisted(id)) {
                    emitTypedefDef(id, 0);
                    out.raw(SEMI_NL2);
                }
                flags[id] |= FWD_EMITTED;
            }
            return;
        }
        switch (k) {
            case INT -> {
                emitMissingAlias(id);
                emit[id] = EMITTED;
            }
            case ENUM, ENUM64 -> {
                if (contId == 0) {
                    emitEnumDef(id, 0);
                    out.raw(SEMI_NL2);
                }
                emit[id] = EMITTED;
            }
            case PTR, VOLATILE, CONST, RESTRICT, TYPE_TAG -> emitType(sizeOrType(id), contId);
            case ARRAY -> emitType(arrayType(id), contId);
            case FWD -> {
                emitFwdDef(id);
                out.raw(SEMI_NL2);
                emit[id] = EMITTED;
            }
            case TYPEDEF -> {
                emit[id] = EMITTING;
                emitType(sizeOrType(id), id);
                if ((flags[id] & FWD_EMITTED) == 0 && !isBlacklisted(id)) {
                    emitTypedefDef(id, 0);
                    out.raw(SEMI_NL2);
                }
                emit[id] = EMITTED;
            }
            case STRUCT, UNION -> {
                emit[id] = EMITTING;
                boolean anon = isAnon(id);
                if (contId == 0 || anon) {
                    // the members will be written out: what they use must be declared first
                    int inner = anon ? contId : id;
                    BitSet keep = kept == null ? null : kept.get(id);
                    for (int i = 0, n = vlen(id); i < n; i++) {
                        if (keep != null && !keep.get(i)) continue;
                        emitType(memberType(id, i), inner);
                    }
                } else if ((flags[id] & FWD_EMITTED) == 0 && id != contId) {
                    emitStructFwd(id);
                    out.raw(SEMI_NL2);
                    flags[id] |= FWD_EMITTED;
                }
                if (contId == 0) {
                    emitStructDef(id, 0);
                    out.raw(SEMI_NL2);
                    emit[id] = EMITTED;
                } else {
                    emit[id] = NOT_EMITTED;
                }
            }
            case FUNC_PROTO -> {
                emitType(sizeOrType(id), contId);
                for (int i = 0, n = vlen(id); i < n; i++) emitType(paramType(id, i), contId);
            }
            default -> {
            }
        }
    }

    private void emitMissingAlias(int id) {
        // resolving the name counts it, as libbpf does, even when no alias is needed
        int suffix = resolveName(id, typeNames);
        int off = nameOffset(id);
        if (off == 0) return;
        for (String[] alias : MISSING_BASE_TYPES) {
            if (nameEquals(off, ascii(alias[0])) && suffix <= 1) {
                out.raw(TYPEDEF_KW).str(alias[1]).ch(' ');
                writeTypeName(id);
                out.raw(SEMI_NL2);
                return;
            }
        }
    }

    private void emitStructFwd(int id) {
        out.raw(kindCode(id) == STRUCT ? STRUCT_KW : UNION_KW);
        if (!isAnon(id)) out.ch(' ');
        writeTypeName(id);
    }

    private void emitFwdDef(int id) {
        out.raw(kindFlag(id) ? UNION_KW : STRUCT_KW).ch(' ');
        writeTypeName(id);
    }

    private void emitTypedefDef(int id, int lvl) {
        int target = sizeOrType(id);
        // the name is taken (and counted) before anything inside the declaration
        int suffix = resolveName(id, identNames);
        // old GCC wrote __gnuc_va_list as a typedef of void
        if (target == 0 && suffix <= 1 && nameOffset(id) != 0 && nameEquals(nameOffset(id), GNUC_VA_LIST)) {
            out.raw(GNUC_VA_LIST_TYPEDEF);
            return;
        }
        out.raw(TYPEDEF_KW);
        emitTypeDecl(target, id, FNAME_IDENT, lvl);
    }

    private void indent(int lvl) {
        out.tabs(Math.min(lvl, MAX_INDENT));
    }

    // ---- alignment and size (libbpf's btf__align_of / btf__resolve_size; 0 / -1 on error)

    private int alignOf(int id) {
        int c = alignCache[id];
        if (c != 0) return c < 0 ? 0 : c;
        int a = computeAlign(id, 0);
        alignCache[id] = a <= 0 ? -1 : a;
        return Math.max(a, 0);
    }

    private int computeAlign(int id, int depth) {
        if (depth > 64) return 0;
        switch (kindCode(id)) {
            case INT, ENUM, FLOAT, ENUM64:
                return Math.min(PTR_SIZE, sizeOrType(id));
            case PTR:
                return PTR_SIZE;
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG:
                return alignOf(sizeOrType(id));
            case ARRAY:
                return alignOf(arrayType(id));
            case STRUCT, UNION: {
                int max = 1;
                boolean kflag = kindFlag(id);
                for (int i = 0, n = vlen(id); i < n; i++) {
                    int a = alignOf(memberType(id, i));
                    if (a <= 0) return a;
                    if (a > max) max = a;
                    int raw = word(id, 3 * i + 2);
                    boolean bitfield = kflag && (raw >>> 24) != 0;
                    int off = kflag ? raw & 0xffffff : raw;
                    if (!bitfield && Integer.remainderUnsigned(off, 8 * a) != 0) return 1;
                }
                if (Integer.remainderUnsigned(sizeOrType(id), max) != 0) return 1;
                return max;
            }
            default:
                return 0;
        }
    }

    /** btf__resolve_size, or -1 if it has no size. */
    private long resolveSize(int id) {
        long nelems = 1;
        int t = id;
        for (int depth = 0; depth < 32 && t != 0; depth++) {
            switch (kindCode(t)) {
                case INT, STRUCT, UNION, ENUM, DATASEC, FLOAT, ENUM64 -> {
                    long size = Integer.toUnsignedLong(sizeOrType(t));
                    if (nelems != 0 && size > 0xffffffffL / nelems) return -1;
                    return nelems * size;
                }
                case PTR -> {
                    return nelems * PTR_SIZE;
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, VAR, DECL_TAG, TYPE_TAG -> t = sizeOrType(t);
                case ARRAY -> {
                    long n = Integer.toUnsignedLong(arrayNelems(t));
                    if (nelems != 0 && n > 0xffffffffL / nelems) return -1;
                    nelems *= n;
                    t = arrayType(t);
                }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    private boolean isStructPacked(int id) {
        int max = 1;
        boolean kflag = kindFlag(id);
        for (int i = 0, n = vlen(id); i < n; i++) {
            int a = alignOf(memberType(id, i));
            int raw = word(id, 3 * i + 2);
            int bitSize = kflag ? raw >>> 24 : 0;
            int off = kflag ? raw & 0xffffff : raw;
            if (a != 0 && bitSize == 0 && Integer.remainderUnsigned(off, 8 * a) != 0) return true;
            if (a > max) max = a;
        }
        return Integer.remainderUnsigned(sizeOrType(id), max) != 0;
    }

    private static long roundUp(long x, long y) {
        return y == 0 ? x : (x + y - 1) / y * y;
    }

    private static final byte[][] PAD_TYPES = {ascii("long"), ascii("int"), ascii("short"), ascii("char")};
    private static final int[] PAD_BITS = {PTR_SIZE * 8, 32, 16, 8};

    /**
     * libbpf's explicit padding between bit offsets cur and next: aligns with the largest of
     * long/int/short/char that fits, writing {@code type: 0;} (or the bit count after a bitfield)
     * when the compiler would not align there by itself, then fills with {@code type: bits;}.
     */
    private void bitPadding(long cur, long next, int nextAlign, boolean inBitfield, int lvl) {
        if (cur >= next) return;
        int i;
        long newOff = 0;
        int padBits = 0;
        byte[] padType = null;
        for (i = 0; i < PAD_TYPES.length; i++) {
            padBits = PAD_BITS[i];
            padType = PAD_TYPES[i];
            newOff = roundUp(cur, padBits);
            if (newOff <= next) break;
        }
        if (newOff > cur && newOff <= next) {
            if (inBitfield
                    || (newOff == next && roundUp(cur, nextAlign * 8L) != newOff)
                    || (newOff != next && next - newOff <= newOff - cur)) {
                out.ch('\n');
                indent(lvl);
                out.raw(padType).ch(':').ch(' ').dec(inBitfield ? newOff - cur : 0).ch(';');
            }
            cur = newOff;
        }
        while (cur != next) {
            long bits = Math.min(next - cur, padBits);
            if (bits == padBits) {
                out.ch('\n');
                indent(lvl);
                out.raw(padType).ch(':').ch(' ').dec(padBits).ch(';');
                cur += bits;
                continue;
            }
            // the rest: the smallest type that holds it
            for (i = PAD_TYPES.length - 1; i >= 0; i--) {
                padType = PAD_TYPES[i];
                padBits = PAD_BITS[i];
                if (padBits < bits) continue;
                out.ch('\n');
                indent(lvl);
                out.raw(padType).ch(':').ch(' ').dec(bits).ch(';');
                cur += bits;
                break;
            }
        }
    }

    /**
     * Padding over the bytes of dropped members (see {@link #keepMembers}): a char array for the
     * whole bytes, then bit padding up to a bitfield that does not start on a byte.
     */
    private void trimmedPadding(long cur, long next, int lvl) {
        long from = roundUp(cur, 8);
        long to = next / 8 * 8;
        if (to > from) {
            // a char array starts on the byte after a bitfield by itself
            out.ch('\n');
            indent(lvl);
            out.raw(PAD_NAME).dec(from / 8).ch('[').dec((to - from) / 8).ch(']').ch(';');
            cur = to;
        }
        bitPadding(cur, next, 1, true, lvl);
    }

    private void emitStructDef(int id, int lvl) {
        boolean isStruct = kindCode(id) == STRUCT;
        int vlen = vlen(id);
        int align = alignOf(id);
        // libbpf checks structs only; a union whose size is no multiple of its alignment (such as
        // union { int i; char c[5]; } __attribute__((packed))) needs the attribute as much
        boolean packed = isStructPacked(id);
        boolean kflag = kindFlag(id);
        BitSet keep = kept == null ? null : kept.get(id);

        out.raw(isStruct ? STRUCT_KW : UNION_KW);
        if (!isAnon(id)) out.ch(' ');
        writeTypeName(id);
        out.ch(' ').ch('{');

        long off = 0;
        boolean prevBitfield = false;
        boolean skipped = false;
        for (int i = 0; i < vlen; i++) {
            if (keep != null && !keep.get(i)) {
                skipped = true;
                continue;
            }
            int raw = word(id, 3 * i + 2);
            int bitSize = kflag ? raw >>> 24 : 0;
            long mOff = kflag ? raw & 0xffffff : Integer.toUnsignedLong(raw);
            int mType = memberType(id, i);
            int mAlign = packed ? 1 : alignOf(mType);
            boolean inBitfield = prevBitfield && bitSize != 0;
            if (skipped && isStruct) {
                trimmedPadding(off, mOff, lvl + 1);
            } else {
                bitPadding(off, mOff, mAlign, inBitfield, lvl + 1);
            }
            skipped = false;
            out.ch('\n');
            indent(lvl + 1);
            emitTypeDecl(mType, 0, memberNameOffset(id, i), lvl + 1);
            if (bitSize != 0) {
                out.ch(':').ch(' ').dec(bitSize);
                off = mOff + bitSize;
                prevBitfield = true;
            } else {
                long size = Math.max(0, resolveSize(mType));
                off = mOff + size * 8;
                prevBitfield = false;
            }
            out.ch(';');
        }
        long size = Integer.toUnsignedLong(sizeOrType(id));
        if (keep != null && isStruct) {
            // a trimmed struct may have lost the member that gave it its alignment: fill to the end
            trimmedPadding(off, size * 8, lvl + 1);
        } else if (isStruct) {
            bitPadding(off, size * 8, align, false, lvl + 1);
        } else if (keep != null && keep.cardinality() < vlen && size > 0) {
            // a trimmed union keeps its size
            out.ch('\n');
            indent(lvl + 1);
            out.raw(PAD_NAME).ch('[').dec(size).ch(']').ch(';');
        }
        if (vlen != 0 || size != 0) {
            out.ch('\n');
            indent(lvl);
        }
        out.ch('}');
        if (packed) out.raw(PACKED);
    }

    private void emitEnumDef(int id, int lvl) {
        int vlen = vlen(id);
        out.raw(ENUM_KW);
        if (!isAnon(id)) out.ch(' ');
        writeTypeName(id);
        if (vlen == 0) return;
        out.ch(' ').ch('{');
        boolean signed = kindFlag(id);
        boolean is64 = kindCode(id) == ENUM64;
        boolean anyHigh = false;
        for (int i = 0; i < vlen; i++) {
            int nameOff = word(id, is64 ? 3 * i : 2 * i);
            int dup = identNames.increment(nameOff);
            out.ch('\n');
            indent(lvl + 1);
            // counting left sa/sp on a string with the same bytes, and its length
            out.bytes(sa, sp, identNames.lastLength);
            if (dup > 1) out.raw(DUP).dec(dup);
            out.raw(SP_EQ_SP);
            if (is64) {
                int lo = word(id, 3 * i + 1);
                int hi = word(id, 3 * i + 2);
                if (hi != 0) anyHigh = true;
                long v = Integer.toUnsignedLong(lo) | (long) hi << 32;
                if (signed) out.dec(v).raw(LL);
                else out.udec(v).raw(ULL);
            } else {
                int v = word(id, 2 * i + 1);
                if (signed) out.dec(v);
                else out.dec(Integer.toUnsignedLong(v));
                out.ch(',');
            }
        }
        out.ch('\n');
        indent(lvl);
        out.ch('}');
        int size = sizeOrType(id);
        if (size == 1) {
            out.raw(MODE_BYTE);
        } else if (size == 8) {
            // a 32-bit enum cannot be 8 bytes by itself; an enum64 is if a value needs the high half
            if (!is64 || !anyHigh) out.raw(MODE_WORD);
        }
    }

    // ---- declarations: a chain of pointers, arrays, modifiers and prototypes around a name

    /** fnameOff value meaning "the field name is the typedef's own (deduplicated) identifier". */
    private static final int FNAME_IDENT = -1;

    /** The declaration name: a string offset, FNAME_IDENT (use identId's name), or 0 for none. */
    private int identId;

    private boolean hasName(int fnameOff, int identFor) {
        if (fnameOff == FNAME_IDENT) return nameOffset(identFor) != 0;
        if (fnameOff == 0) return false;
        locate(fnameOff);
        return sa[sp] != 0;
    }

    private void writeFname(int fnameOff, int identFor) {
        if (fnameOff == FNAME_IDENT) writeIdentName(identFor);
        else if (fnameOff != 0) writeString(fnameOff);
    }

    /**
     * Writes the declaration of {@code fnameOff} (a name's string offset; 0 for none;
     * {@link #FNAME_IDENT} for typedef {@code identFor}'s name) as type {@code id}.
     */
    private void emitTypeDecl(int id, int identFor, int fnameOff, int lvl) {
        int start = declCount;
        while (true) {
            if (declCount == declStack.length) declStack = Arrays.copyOf(declStack, declCount * 2);
            declStack[declCount++] = id;
            if (id == 0) break;
            int k = kindCode(id);
            if (k == PTR || k == VOLATILE || k == CONST || k == RESTRICT || k == FUNC_PROTO || k == TYPE_TAG) {
                id = sizeOrType(id);
            } else if (k == ARRAY) {
                id = arrayType(id);
            } else {
                // INT, ENUM, ENUM64, FWD, STRUCT, UNION, TYPEDEF, FLOAT end the chain (others are malformed)
                break;
            }
        }
        // this chain works on its own frame [start, declCount) of the shared stack
        emitTypeChain(start, declCount, identFor, fnameOff, lvl);
        declCount = start;
    }

    /** Frame top, as chain emission pops: the frame is declStack[base..top). */
    private int top;

    private void emitMods(int base) {
        while (top > base) {
            int k = kindCode(declStack[top - 1]);
            if (k == VOLATILE) out.raw(VOLATILE_);
            else if (k == CONST) out.raw(CONST_);
            else if (k == RESTRICT) out.raw(RESTRICT_);
            else return;
            top--;
        }
    }

    private void dropMods(int base) {
        while (top > base) {
            int k = kindCode(declStack[top - 1]);
            if (k != VOLATILE && k != CONST && k != RESTRICT && k != TYPE_TAG) return;
            top--;
        }
    }

    private void emitName(int fnameOff, int identFor, boolean lastWasPtr) {
        if (hasName(fnameOff, identFor) && !lastWasPtr) out.ch(' ');
        writeFname(fnameOff, identFor);
    }

    private void emitTypeChain(int base, int frameTop, int identFor, int fnameOff, int lvl) {
        int savedTop = top;
        top = frameTop;
        try {
            chain(base, identFor, fnameOff, lvl);
        } finally {
            top = savedTop;
        }
    }

    private void chain(int base, int identFor, int fnameOff, int lvl) {
        boolean lastWasPtr = true;
        while (top > base) {
            int id = declStack[--top];
            if (id == 0) {
                emitMods(base);
                out.raw(VOID);
                lastWasPtr = false;
                continue;
            }
            int k = kindCode(id);
            switch (k) {
                case INT, FLOAT -> {
                    emitMods(base);
                    writeString(nameOffset(id));
                }
                case STRUCT, UNION -> {
                    emitMods(base);
                    if (isAnon(id)) emitStructDef(id, lvl);
                    else emitStructFwd(id);
                }
                case ENUM, ENUM64 -> {
                    emitMods(base);
                    if (isAnon(id)) {
                        emitEnumDef(id, lvl);
                    } else {
                        out.raw(ENUM_KW).ch(' ');
                        writeTypeName(id);
                    }
                }
                case FWD -> {
                    emitMods(base);
                    emitFwdDef(id);
                }
                case TYPEDEF -> {
                    emitMods(base);
                    writeIdentName(id);
                }
                case PTR -> out.raw(lastWasPtr ? STAR : SP_STAR);
                case VOLATILE -> out.raw(_VOLATILE);
                case CONST -> out.raw(_CONST);
                case RESTRICT -> out.raw(_RESTRICT);
                case TYPE_TAG -> {
                    emitMods(base);
                    out.raw(TYPE_TAG_OPEN);
                    writeString(nameOffset(id));
                    out.raw(TYPE_TAG_CLOSE);
                }
                case ARRAY -> {
                    int nelems = arrayNelems(id);
                    // const/volatile on an array (a GCC quirk) mean nothing: dropped
                    dropMods(base);
                    if (top == base) {
                        emitName(fnameOff, identFor, lastWasPtr);
                        out.ch('[').dec(Integer.toUnsignedLong(nelems)).ch(']');
                        return;
                    }
                    boolean multidim = kindCode(declStack[top - 1]) == ARRAY;
                    if (hasName(fnameOff, identFor) && !lastWasPtr) out.ch(' ');
                    if (!multidim) out.ch('(');
                    chain(base, identFor, fnameOff, lvl);
                    if (!multidim) out.ch(')');
                    out.ch('[').dec(Integer.toUnsignedLong(nelems)).ch(']');
                    return;
                }
                case FUNC_PROTO -> {
                    // GCC's volatile on noreturn function pointers: dropped too
                    dropMods(base);
                    if (top > base) {
                        out.ch(' ').ch('(');
                        chain(base, identFor, fnameOff, lvl);
                        out.ch(')');
                    } else {
                        emitName(fnameOff, identFor, lastWasPtr);
                    }
                    out.ch('(');
                    int vlen = vlen(id);
                    // no parameters (clang writes them as one void parameter): (void)
                    if (vlen == 0 || (vlen == 1 && paramType(id, 0) == 0)) {
                        out.raw(VOID).ch(')');
                        return;
                    }
                    for (int i = 0; i < vlen; i++) {
                        if (i > 0) out.raw(COMMA_SP);
                        int pt = paramType(id, i);
                        if (i == vlen - 1 && pt == 0) {
                            out.raw(VARARGS);
                            break;
                        }
                        emitTypeDecl(pt, 0, paramNameOffset(id, i), lvl);
                    }
                    out.ch(')');
                    return;
                }
                default -> {
                    return; // not part of a declaration (malformed BTF): stop, as libbpf does
                }
            }
            lastWasPtr = k == PTR;
        }
        emitName(fnameOff, identFor, lastWasPtr);
    }

    private static final byte[] STAR = ascii("*");
    private static final byte[] SP_STAR = ascii(" *");
}
