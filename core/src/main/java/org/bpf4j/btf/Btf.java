package org.bpf4j.btf;

import static org.bpf4j.btf.BtfKind.Code.*;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.ObjectFileException;
import org.bpf4j.elf.ElfFile;

/**
 * BTF type information: a raw BTF blob (as in a .BTF section or /sys/kernel/btf/vmlinux) kept as
 * bytes, with an index of where each type record starts. Nothing per type is allocated when parsing;
 * the accessors decode the bytes on demand ("flyweight"), {@link #type(int)} materializes a record
 * when convenient, and name lookups use compact hash tables built on first use.
 *
 * <p>Parsing checks everything later accesses rely on: the header, the section bounds, every type
 * record's kind and length, every name offset and every referenced type id, and that FUNC types
 * point at FUNC_PROTO types. A malformed blob is rejected with one {@link ObjectFileException}
 * naming the origin. Instances are immutable and safe to share between threads.
 *
 * <p>Split BTF (kernel modules) continues a base BTF: its type ids start at
 * {@code base.typeCount()} and its string offsets at the end of the base's strings. All accessors
 * of a split BTF accept the base's ids and string offsets too.
 *
 * <p>Type ids are ints (BTF allows at most 2^20 types); ids and offsets are validated, other
 * arguments are not: calling a kind-specific accessor (such as {@link #memberType}) on a type of
 * another kind returns meaningless values.
 */
public final class Btf {
    /** The BTF magic number (little-endian bytes 9f eb). */
    public static final int MAGIC = 0xeb9f;
    /** The only BTF version. */
    public static final int VERSION = 1;

    static final int HEADER_SIZE = 24;
    static final int TYPE_HEADER = 12;
    /** libbpf's MAX_RESOLVE_DEPTH. */
    private static final int MAX_RESOLVE_DEPTH = 32;

    /** Files here are produced (and were validated) by the running kernel. */
    static final Path SYSFS_BTF = Path.of("/sys/kernel/btf");

    private final String origin;
    private final byte[] raw;
    private final Btf base;
    private final int firstId;
    private final int typeCount;
    /** Absolute offset in {@link #raw} of each local type record: offsets[id - firstId]. */
    private final int[] offsets;
    /** Absolute offset in {@link #raw} of the string section. */
    private final int strStart;
    private final int strLen;
    /** The string offset of this BTF's first string: 0, or the base's {@link #strLimit} when split. */
    private final int strBase;
    /** One past the highest valid string offset, counting the base's strings. */
    private final int strLimit;

    private final BtfNames names;

    /** Absolute offset and length of the type section in {@link #raw}. */
    private final int typesStart;
    private final int typesLength;

    private Btf(String origin, byte[] raw, Btf base, int firstId, int typeCount, int[] offsets, int typesStart,
                int typesLength, int strStart, int strLen, int strBase) {
        this.typesStart = typesStart;
        this.typesLength = typesLength;
        this.origin = origin;
        this.raw = raw;
        this.base = base;
        this.firstId = firstId;
        this.typeCount = typeCount;
        this.offsets = offsets;
        this.strStart = strStart;
        this.strLen = strLen;
        this.strBase = strBase;
        this.strLimit = strBase + strLen;
        this.names = new BtfNames(this);
    }

    // ------------------------------------------------------------------------------------------
    // Parsing and discovery

    /**
     * Parses a raw BTF blob (magic 0xEB9F, little-endian). The array is kept, not copied.
     *
     * @param raw the blob; not to be modified afterwards
     * @return the parsed BTF
     * @param origin the file name for messages
     * @throws ObjectFileException if the blob is malformed
     */
    public static Btf parse(byte[] raw, String origin) {
        return parse(raw, null, origin, null, false);
    }

    /**
     * Parses a raw BTF blob that came from an ELF section, so that errors name the section too.
     *
     * @param raw the section's contents; not to be modified afterwards
     * @param origin the file name for messages
     * @param section the ELF section's name for messages, such as {@code .BTF}
     * @return the parsed BTF
     * @throws ObjectFileException naming the origin and section if the blob is malformed
     * @see #parse(byte[], String)
     */
    public static Btf parse(byte[] raw, String origin, String section) {
        return parse(raw, null, origin, section, false);
    }

    /**
     * Parses split BTF (such as a kernel module's) on top of {@code base}: its type ids continue after
     * the base's, its string offsets after the base's strings.
     *
     * @param raw the split blob; not to be modified afterwards
     * @param base the BTF it continues, such as {@link #kernel()}
     * @param origin the file name for messages
     * @return the parsed split BTF
     * @throws ObjectFileException if the blob is malformed
     */
    public static Btf parseSplit(byte[] raw, Btf base, String origin) {
        if (base == null) throw new IllegalArgumentException("base BTF is null");
        return parse(raw, base, origin, null, false);
    }

    /**
     * Reads BTF from a file: raw BTF (such as /sys/kernel/btf/vmlinux or a .btf file), or the .BTF
     * section of an ELF file (a BPF object, a vmlinux image). Only that section is read from an ELF.
     *
     * @param path the file to read
     * @return the parsed BTF
     * @throws ObjectFileException naming the path if it cannot be read, is neither, or is malformed
     */
    public static Btf read(Path path) {
        return read(path, null);
    }

    /**
     * Reads split BTF from a file (raw, or the .BTF section of an ELF such as a kernel module .ko) on
     * top of {@code base}.
     *
     * @param path the file to read
     * @param base the BTF it continues, such as {@link #kernel()}
     * @return the parsed split BTF
     * @throws ObjectFileException naming the path if it cannot be read or is malformed
     */
    public static Btf readSplit(Path path, Btf base) {
        if (base == null) throw new IllegalArgumentException("base BTF is null");
        return read(path, base);
    }

    private static Btf read(Path path, Btf base) {
        String origin = path.toString();
        byte[] magic = new byte[4];
        int n;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            n = ch.read(ByteBuffer.wrap(magic), 0);
        } catch (IOException e) {
            throw new ObjectFileException(origin, null, "cannot read file: " + describe(e), e);
        }
        if (n == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F') {
            byte[] btf = ElfFile.readSection(path, ".BTF");
            if (btf == null) throw new ObjectFileException(origin, null, "ELF file has no .BTF section");
            return parse(btf, base, origin, ".BTF", false);
        }
        if (n >= 2 && (magic[0] & 0xff) == 0x9f && (magic[1] & 0xff) == 0xeb) {
            // the kernel validated what it exposes under /sys/kernel/btf; the base needs no split base
            boolean trusted = base == null && path.toAbsolutePath().normalize().startsWith(SYSFS_BTF);
            return parse(readFile(path), base, origin, null, trusted);
        }
        if (n >= 2 && (magic[0] & 0xff) == 0xeb && (magic[1] & 0xff) == 0x9f) {
            throw new ObjectFileException(origin, null, "big-endian BTF is not supported");
        }
        throw new ObjectFileException(origin, null, "neither raw BTF (magic 0xeb9f) nor an ELF file");
    }

    /**
     * The running kernel's BTF from /sys/kernel/btf/vmlinux, read and parsed once per process on
     * first use (thread-safe) and shared.
     *
     * @return the kernel's BTF, the same instance on every call
     * @throws FeatureNotSupportedException if the kernel exposes no BTF
     */
    public static Btf kernel() {
        return KernelBtf.vmlinux();
    }

    /** Parses BTF the kernel produced (structural checks only), for tests and the timing harness. */
    static Btf parseTrusted(byte[] raw, Btf base, String origin) {
        return parse(raw, base, origin, null, true);
    }

    /**
     * The BTF of a loaded kernel module, /sys/kernel/btf/&lt;module&gt;, as split BTF over
     * {@link #kernel()}; parsed once per module and cached.
     *
     * @param module the module's name, such as {@code nf_tables}
     * @return the module's split BTF
     * @throws FeatureNotSupportedException if the module has no BTF there (not loaded, or the kernel
     *                                      lacks CONFIG_DEBUG_INFO_BTF_MODULES)
     */
    public static Btf kernelModule(String module) {
        return KernelBtf.module(module);
    }

    /**
     * The kernel modules that expose BTF: the entries of /sys/kernel/btf other than vmlinux, sorted;
     * empty without module BTF (or modules).
     *
     * @return the module names, sorted
     */
    public static List<String> kernelModuleNames() {
        return KernelBtf.moduleNames();
    }

    /**
     * Reads a whole file. Not Files.readAllBytes: sysfs returns at most a page per read(2), and
     * FileInputStream with reads of at most 8 KiB (no native buffer allocation per call) has the
     * shortest path per read in a fresh JVM.
     */
    static byte[] readFile(Path p) {
        File f = p.toFile();
        if (org.bpf4j.sys.NativeState.ready() && p.startsWith(SYSFS_BTF)) {
            // one mmap instead of a read() per page, when the FFM downcall is up anyway
            byte[] mapped = org.bpf4j.sys.Os.readMapped(p.toString(), f.length());
            if (mapped != null) return mapped;
        }
        try (FileInputStream in = new FileInputStream(f)) {
            long length = f.length();
            if (length > Integer.MAX_VALUE - 16) throw new IOException("file too large (" + length + " bytes)");
            byte[] buf = new byte[(int) length];
            int n = 0;
            while (true) {
                while (n < buf.length) {
                    int r = in.read(buf, n, Math.min(8192, buf.length - n));
                    if (r < 0) return Arrays.copyOf(buf, n);
                    n += r;
                }
                int b = in.read(); // at the size reported: probe for more (files that report no size)
                if (b < 0) return buf;
                if (buf.length >= Integer.MAX_VALUE - 16) throw new IOException("file too large");
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(8192, buf.length * 2L)));
                buf[n++] = (byte) b;
            }
        } catch (FileNotFoundException e) {
            throw new ObjectFileException(p.toString(), null, "cannot open file: " + e.getMessage(), e);
        } catch (IOException | OutOfMemoryError e) {
            throw new ObjectFileException(p.toString(), null, "cannot read file: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static ObjectFileException malformed(String origin, String section, String problem) {
        return new ObjectFileException(origin, section, "malformed BTF: " + problem);
    }

    private static Btf parse(byte[] raw, Btf base, String origin, String section, boolean trusted) {
        if (raw.length < HEADER_SIZE) {
            throw malformed(origin, section, "truncated header (" + raw.length + " bytes, need " + HEADER_SIZE + ")");
        }
        int magic = (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
        if (magic != MAGIC) {
            if (magic == 0x9feb) throw new ObjectFileException(origin, section, "big-endian BTF is not supported");
            throw malformed(origin, section, "bad magic 0x" + Integer.toHexString(magic) + " (expected 0xeb9f)");
        }
        if (raw[2] != VERSION) {
            throw malformed(origin, section, "unsupported version " + (raw[2] & 0xff) + " (expected 1)");
        }
        long hdrLen = u32l(raw, 4);
        long typeOff = u32l(raw, 8);
        long typeLen = u32l(raw, 12);
        long strOff = u32l(raw, 16);
        long strLen = u32l(raw, 20);
        if (hdrLen < HEADER_SIZE || hdrLen > raw.length) {
            throw malformed(origin, section, "bad header length " + hdrLen + " (blob has " + raw.length + " bytes)");
        }
        if (hdrLen + strOff + strLen > raw.length) {
            throw malformed(origin, section, "truncated: string section at " + strOff + " + " + strLen
                    + " ends beyond the blob (" + (raw.length - hdrLen) + " bytes after the header)");
        }
        if (typeOff + typeLen > strOff) {
            throw malformed(origin, section, "type section at " + typeOff + " + " + typeLen
                    + " overlaps the string section at " + strOff);
        }
        if ((typeOff & 3) != 0) {
            throw malformed(origin, section, "type section offset " + typeOff + " is not 4-byte aligned");
        }
        int strStart = (int) (hdrLen + strOff);
        int sLen = (int) strLen;
        if (base == null || sLen != 0) {
            if (sLen == 0 || raw[strStart + sLen - 1] != 0) {
                throw malformed(origin, section, "string section is empty or not NUL-terminated");
            }
            if (base == null && raw[strStart] != 0) {
                throw malformed(origin, section, "string section does not start with the empty string"
                        + " (split BTF parsed without its base?)");
            }
        }
        int strBase = base == null ? 0 : base.strLimit;
        if ((long) strBase + sLen > 0x7fffffffL) {
            throw malformed(origin, section, "string section too large");
        }
        int strLimit = strBase + sLen;
        int firstId = base == null ? 1 : base.typeCount;

        int start = (int) (hdrLen + typeOff);
        int end = (int) (start + typeLen);
        int[] offsets = new int[(int) (typeLen / TYPE_HEADER)];
        // Pass 1 (scan): where each record starts, checking kinds and lengths. Pass 2 (unless the
        // kernel produced the BTF): every name offset and type reference. Both are written for the
        // bytecode interpreter and a cold JIT, since a fresh JVM parses the 5 MB kernel BTF before
        // anything is compiled: see scan() and Validator.
        final byte[] r = raw;
        Validator v = trusted ? null : new Validator(r, offsets);
        long scanned;
        if (trusted) {
            scanned = scan(r, start, end, offsets);
        } else {
            // one pass, in chunks of records (see Validator)
            int q = start;
            int n = 0;
            while (true) {
                long chunk = v.scan(q, end, n);
                int c = (int) chunk;
                q = (int) (chunk >>> 32);
                if (c < 0 || c == n) { // unknown kind, or no progress (done, or a partial header left)
                    scanned = chunk;
                    break;
                }
                n = c;
            }
        }
        int count = (int) scanned;
        int p = (int) (scanned >>> 32);
        if (count < 0) {
            count &= 0x7fffffff;
            throw malformed(origin, section, "type [" + (firstId + count) + "]: unknown kind " + (r[p + 7] & 0x1f));
        }
        if (p > end) throw truncatedType(origin, section, firstId + count - 1, offsets[count - 1] - start);
        if (p < end) throw truncatedType(origin, section, firstId + count, p - start);
        int typeCount = firstId + count;
        if (count > (1 << 20)) {
            throw malformed(origin, section, "too many types (" + count + ")");
        }
        Btf btf = new Btf(origin, raw, base, firstId, typeCount, offsets, start, end - start, strStart, sLen, strBase);
        if (!trusted) {
            if (v.or < 0 || v.maxName >= strLimit || v.maxRef >= typeCount) btf.reportBadReference(section);
            // FUNC must refer to a FUNC_PROTO (libbpf and the kernel rely on it); all ids are in range now
            for (int i = 0; i < count; i++) {
                int o = offsets[i];
                if ((r[o + 7] & 0x1f) == 12) {
                    int proto = u32(r, o + 8);
                    if (btf.kindCode(proto) != FUNC_PROTO) {
                        throw malformed(origin, section, "type [" + (firstId + i) + "]: FUNC refers to type [" + proto
                                + "] which is " + btf.kind(proto) + ", not FUNC_PROTO");
                    }
                }
            }
        }
        return btf;
    }

    /**
     * Records the offset of each type record in [start, end) while a whole common header fits, as
     * few bytecodes per record as possible. Returns (p << 32 | count) where p is where scanning
     * stopped (end if all is well, beyond end if the last record overruns, before it if a partial
     * header remains), or with count | 0x80000000 and p at the record if a kind is unknown.
     */
    private static long scan(byte[] r, int start, int end, int[] offsets) {
        // Table lookups, not a switch: a switch over kinds compiles its rare cases (FLOAT, TYPE_TAG,
        // DATASEC occur once in vmlinux) to traps that throw the compiled loop away when hit.
        int[] fixed = FIXED_SIZE;
        int[] perElement = ELEMENT_SIZE;
        int count = 0;
        int p = start;
        int last = end - TYPE_HEADER;
        while (p <= last) {
            int kind = r[p + 7] & 0x1f;
            int size = fixed[kind];
            if (size == 0) return (long) p << 32 | 0x80000000L | count;
            offsets[count++] = p;
            p += size + perElement[kind] * ((r[p + 4] & 0xff) | (r[p + 5] & 0xff) << 8);
        }
        return (long) p << 32 | count;
    }

    /** By kind: the record size without elements (0 = unknown kind), and the size of one element. */
    private static final int[] FIXED_SIZE = new int[32];
    private static final int[] ELEMENT_SIZE = new int[32];

    static {
        for (int k = 1; k <= BtfKind.MAX_CODE; k++) {
            int one = recordSize(k, 1);
            int none = recordSize(k, 0);
            FIXED_SIZE[k] = none;
            ELEMENT_SIZE[k] = one - none;
        }
    }

    private static final int VALIDATE_CHUNK = 16;

    /**
     * Where a kind keeps its references, for the table-driven validation: whether the size/type word
     * is a type id, and per element (member, parameter, enumerator, variable) the masks for the
     * words at +0 (a name offset, except for DATASEC) and at +4 (a type id for STRUCT, UNION,
     * FUNC_PROTO) or +0 (DATASEC). A mask of 0 reads a word as 0, which is always valid: no branch
     * per kind, so the JIT has no rare case to trap on (FLOAT, TYPE_TAG and DATASEC are rare).
     */
    private static final int[] HEADER_REF_MASK = new int[32];
    private static final int[] ELEMENT_NAME_MASK = new int[32];
    private static final int[] ELEMENT_TYPE_MASK = new int[32];
    private static final int[] ELEMENT_TYPE_AT = new int[32];

    static {
        for (int k : new int[] {2, 8, 9, 10, 11, 12, 13, 14, 17, 18}) HEADER_REF_MASK[k] = -1;
        for (int k : new int[] {4, 5, 6, 13, 19}) ELEMENT_NAME_MASK[k] = -1;
        for (int k : new int[] {4, 5, 13}) {
            ELEMENT_TYPE_MASK[k] = -1;
            ELEMENT_TYPE_AT[k] = 4;
        }
        ELEMENT_TYPE_MASK[15] = -1; // DATASEC: type at +0
    }

    /**
     * Pass 2 of a full parse, over ranges of types (a method called a few hundred times is compiled
     * long before one long loop would be). Keeps the largest name offset and type id seen, and the
     * OR of all of them, whose sign bit catches values >= 2^31; parse() checks them at the end.
     */
    private static final class Validator {
        final byte[] r;
        final int[] offsets;
        int maxName;
        int maxRef;
        int or;

        Validator(byte[] r, int[] offsets) {
            this.r = r;
            this.offsets = offsets;
        }

        /**
         * Like {@link Btf#scan} for at most VALIDATE_CHUNK records from p (record number count),
         * checking their references too. Returns (p << 32 | count) after them; count has bit 31 set
         * (and p is at the record) for an unknown kind; an unchanged count means nothing was left
         * to scan (p == end) or only a partial header (p < end).
         */
        long scan(int p, int end, int count) {
            byte[] b = r;
            int[] offs = offsets;
            int mn = maxName, mr = maxRef, o = or;
            int[] fixed = FIXED_SIZE, elemSize = ELEMENT_SIZE;
            int[] headerRef = HEADER_REF_MASK, elemName = ELEMENT_NAME_MASK, elemType = ELEMENT_TYPE_MASK;
            int[] typeAt = ELEMENT_TYPE_AT;
            int last = end - TYPE_HEADER;
            for (int k = 0; k < VALIDATE_CHUNK && p <= last; k++) {
                int kind = b[p + 7] & 0x1f;
                int size = fixed[kind];
                if (size == 0) return (long) p << 32 | 0x80000000L | count;
                int step = elemSize[kind];
                int recEnd = p + size + step * ((b[p + 4] & 0xff) | (b[p + 5] & 0xff) << 8);
                if (recEnd > end) break; // truncated record: parse() reports it (p > end)
                offs[count++] = p;
                int v = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24;
                o |= v;
                if (v > mn) mn = v;
                v = ((b[p + 8] & 0xff) | (b[p + 9] & 0xff) << 8 | (b[p + 10] & 0xff) << 16 | b[p + 11] << 24)
                        & headerRef[kind];
                o |= v;
                if (v > mr) mr = v;
                if (kind == ARRAY) { // ARRAY: element type, index type
                    v = (b[p + 12] & 0xff) | (b[p + 13] & 0xff) << 8 | (b[p + 14] & 0xff) << 16 | b[p + 15] << 24;
                    o |= v;
                    if (v > mr) mr = v;
                    v = (b[p + 16] & 0xff) | (b[p + 17] & 0xff) << 8 | (b[p + 18] & 0xff) << 16 | b[p + 19] << 24;
                    o |= v;
                    if (v > mr) mr = v;
                }
                int nameMask = elemName[kind], typeMask = elemType[kind], at = typeAt[kind];
                for (int q = p + size; q < recEnd; q += step) {
                    v = ((b[q] & 0xff) | (b[q + 1] & 0xff) << 8 | (b[q + 2] & 0xff) << 16 | b[q + 3] << 24) & nameMask;
                    o |= v;
                    if (v > mn) mn = v;
                    int t = q + at;
                    v = ((b[t] & 0xff) | (b[t + 1] & 0xff) << 8 | (b[t + 2] & 0xff) << 16 | b[t + 3] << 24) & typeMask;
                    o |= v;
                    if (v > mr) mr = v;
                }
                p = recEnd;
            }
            maxName = mn;
            maxRef = mr;
            or = o;
            return (long) p << 32 | count;
        }
    }

    /** Finds the first type with a name offset or type reference out of range and throws naming it. */
    private void reportBadReference(String section) {
        for (int id = firstId; id < typeCount; id++) {
            int o = off(id);
            int kind = raw[o + 7] & 0x1f;
            int vlen = u16(raw, o + 4);
            checkName(section, id, "name", u32(raw, o));
            switch (kind) {
                case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DECL_TAG, TYPE_TAG ->
                        checkRef(section, id, u32(raw, o + 8));
                case ARRAY -> {
                    checkRef(section, id, u32(raw, o + 12));
                    checkRef(section, id, u32(raw, o + 16));
                }
                default -> {
                }
            }
            for (int i = 0; i < vlen; i++) {
                switch (kind) {
                    case STRUCT, UNION -> {
                        checkName(section, id, "member name", u32(raw, o + 12 + 12 * i));
                        checkRef(section, id, u32(raw, o + 16 + 12 * i));
                    }
                    case FUNC_PROTO -> {
                        checkName(section, id, "parameter name", u32(raw, o + 12 + 8 * i));
                        checkRef(section, id, u32(raw, o + 16 + 8 * i));
                    }
                    case ENUM -> checkName(section, id, "enumerator name", u32(raw, o + 12 + 8 * i));
                    case ENUM64 -> checkName(section, id, "enumerator name", u32(raw, o + 12 + 12 * i));
                    case DATASEC -> checkRef(section, id, u32(raw, o + 12 + 12 * i));
                    default -> {
                    }
                }
            }
        }
        throw malformed(origin, section, "a name offset or type id is out of range"); // not reached
    }

    private void checkName(String section, int id, String what, int off) {
        if (off < 0 || off >= strLimit) {
            throw malformed(origin, section, "type [" + id + "]: " + what + " string offset "
                    + Integer.toUnsignedString(off) + " out of range (" + strLimit + " bytes of strings)");
        }
    }

    private void checkRef(String section, int id, int ref) {
        if (ref < 0 || ref >= typeCount) {
            throw malformed(origin, section, "type [" + id + "] refers to type id " + Integer.toUnsignedString(ref)
                    + ", out of range (" + typeCount + " types)");
        }
    }

    private static ObjectFileException truncatedType(String origin, String section, int id, int at) {
        return malformed(origin, section, "type [" + id + "] at offset " + at + " is truncated");
    }

    // ------------------------------------------------------------------------------------------
    // Whole-BTF properties

    /** {@return the file name given when parsing, for messages} */
    public String origin() {
        return origin;
    }

    /** {@return the base BTF of a split BTF, or null for a base BTF} */
    public Btf base() {
        return base;
    }

    /** {@return the first type id this BTF defines: 1 for a base BTF, {@code base().typeCount()} for split BTF} */
    public int firstId() {
        return firstId;
    }

    /** {@return one past the highest type id (id 0 is void), counting the base's types} */
    public int typeCount() {
        return typeCount;
    }

    /** {@return a copy of the raw blob as parsed} */
    public byte[] raw() {
        return raw.clone();
    }

    /** {@return the length of this BTF's own string section in bytes} */
    public int stringsLength() {
        return strLen;
    }

    /** {@return the string offset of this BTF's first string: 0, or for split BTF the end of the base's strings} */
    public int stringsStart() {
        return strBase;
    }

    /**
     * The NUL-terminated string at this offset of the string section (the base's, below
     * {@link #stringsStart()} for split BTF).
     *
     * @param offset a string offset, such as a {@link #nameOffset}
     * @return the string, without its NUL
     * @throws IllegalArgumentException if the offset is out of range
     */
    public String string(int offset) {
        if (offset < strBase) {
            if (offset >= 0 && base != null) return base.string(offset);
            throw badStringOffset(offset);
        }
        if (offset >= strLimit) throw badStringOffset(offset);
        int s = strStart + (offset - strBase);
        int e = s;
        while (raw[e] != 0) e++;
        return e == s ? "" : new String(raw, s, e - s, StandardCharsets.UTF_8);
    }

    private IllegalArgumentException badStringOffset(int offset) {
        return new IllegalArgumentException(origin + ": BTF string offset " + Integer.toUnsignedString(offset)
                + " out of range (" + strLimit + ")");
    }

    // ------------------------------------------------------------------------------------------
    // Flyweight accessors

    /** Offset of a local type's record; the caller has checked id >= firstId. */
    private int off(int id) {
        if (id >= typeCount) throw badId(id);
        return offsets[id - firstId];
    }

    private IllegalArgumentException badId(int id) {
        return new IllegalArgumentException(origin + ": BTF type id " + id + " out of range [0, " + typeCount + ")");
    }

    /** For id below firstId on a base BTF: only 0 (void) is valid. */
    private void checkVoid(int id) {
        if (id != 0) throw badId(id);
    }

    /**
     * {@return the kind of type {@code id}; {@link BtfKind#UNKN} for id 0 (void)}
     *
     * @param id the type id, 0 to {@link #typeCount()} - 1
     * @throws IllegalArgumentException if {@code id} is out of range
     */
    public BtfKind kind(int id) {
        return BtfKind.of(kindCode(id));
    }

    /**
     * {@return the numeric kind ({@code BTF_KIND_*}) of type {@code id}; 0 for void}
     *
     * @param id the type id, 0 to {@link #typeCount()} - 1
     */
    public int kindCode(int id) {
        if (id < firstId) {
            if (base != null) return base.kindCode(id);
            checkVoid(id);
            return 0;
        }
        return raw[off(id) + 7] & 0x1f;
    }

    /**
     * {@return the raw {@code info} word of type {@code id}: vlen (bits 0-15), kind (24-28), kind flag (31)}
     *
     * @param id the type id
     */
    public int info(int id) {
        if (id < firstId) {
            if (base != null) return base.info(id);
            checkVoid(id);
            return 0;
        }
        return u32(raw, off(id) + 4);
    }

    /**
     * {@return the {@code name_off} of type {@code id} (0 if anonymous)}
     *
     * @param id the type id
     */
    public int nameOffset(int id) {
        if (id < firstId) {
            if (base != null) return base.nameOffset(id);
            checkVoid(id);
            return 0;
        }
        return u32(raw, off(id));
    }

    /**
     * {@return the name of type {@code id}, "" if anonymous}
     *
     * @param id the type id
     */
    public String name(int id) {
        if (id < firstId) {
            if (base != null) return base.name(id);
            checkVoid(id);
            return "";
        }
        int no = u32(raw, off(id));
        return no == 0 ? "" : string(no);
    }

    /**
     * {@return the vlen field of type {@code id}: member, enumerator, parameter or variable count; linkage for FUNC}
     *
     * @param id the type id
     */
    public int vlen(int id) {
        return info(id) & 0xffff;
    }

    /**
     * {@return the kind flag of type {@code id}: bitfield encoding for STRUCT/UNION, union for FWD, signed for
     * ENUM/ENUM64}
     *
     * @param id the type id
     */
    public boolean kindFlag(int id) {
        return info(id) < 0;
    }

    /**
     * {@return the size/type word of type {@code id}: size for INT, ENUM, STRUCT, UNION, DATASEC, FLOAT; a type id for
     * the rest}
     *
     * @param id the type id
     */
    public int sizeOrType(int id) {
        if (id < firstId) {
            if (base != null) return base.sizeOrType(id);
            checkVoid(id);
            return 0;
        }
        return u32(raw, off(id) + 8);
    }

    /**
     * The n-th 32-bit word after a type's 12-byte common header (raw access to kind-specific data).
     *
     * @param id the type id
     * @param n the word's index after the header, from 0
     * @return the word
     */
    public int word(int id, int n) {
        if (id < firstId) {
            if (base != null) return base.word(id, n);
            throw badId(id);
        }
        return u32(raw, off(id) + TYPE_HEADER + 4 * n);
    }

    /**
     * {@return INT: the encoding bits ({@link BtfType.Int#SIGNED}, CHAR, BOOL)}
     *
     * @param id the id of an INT
     */
    public int intEncoding(int id) {
        return (word(id, 0) >>> 24) & 0x0f;
    }

    /**
     * {@return INT: the bit offset (BTF_INT_OFFSET)}
     *
     * @param id the id of an INT
     */
    public int intBitOffset(int id) {
        return (word(id, 0) >>> 16) & 0xff;
    }

    /**
     * {@return INT: the number of bits (BTF_INT_BITS)}
     *
     * @param id the id of an INT
     */
    public int intBits(int id) {
        return word(id, 0) & 0xff;
    }

    /**
     * {@return ARRAY: the element type's id}
     *
     * @param id the id of an ARRAY
     */
    public int arrayType(int id) {
        return word(id, 0);
    }

    /**
     * {@return ARRAY: the index type's id}
     *
     * @param id the id of an ARRAY
     */
    public int arrayIndexType(int id) {
        return word(id, 1);
    }

    /**
     * {@return ARRAY: the element count (unsigned)}
     *
     * @param id the id of an ARRAY
     */
    public int arrayNelems(int id) {
        return word(id, 2);
    }

    /**
     * {@return STRUCT/UNION: the name offset of member {@code i}}
     *
     * @param id the id of a STRUCT or UNION
     * @param i the member's index, from 0
     */
    public int memberNameOffset(int id, int i) {
        return word(id, 3 * i);
    }

    /**
     * {@return STRUCT/UNION: the name of member {@code i}, "" if anonymous}
     *
     * @param id the id of a STRUCT or UNION
     * @param i the member's index, from 0
     */
    public String memberName(int id, int i) {
        int no = word(id, 3 * i);
        return no == 0 ? "" : string(no);
    }

    /**
     * {@return STRUCT/UNION: the type id of member {@code i}}
     *
     * @param id the id of a STRUCT or UNION
     * @param i the member's index, from 0
     */
    public int memberType(int id, int i) {
        return word(id, 3 * i + 1);
    }

    /**
     * {@return STRUCT/UNION: the bit offset of member {@code i} (normalized for the kind flag)}
     *
     * @param id the id of a STRUCT or UNION
     * @param i the member's index, from 0
     */
    public int memberBitOffset(int id, int i) {
        int v = word(id, 3 * i + 2);
        return kindFlag(id) ? v & 0xffffff : v;
    }

    /**
     * {@return STRUCT/UNION: the bitfield size in bits of member {@code i}, 0 if not a bitfield (or no kind flag)}
     *
     * @param id the id of a STRUCT or UNION
     * @param i the member's index, from 0
     */
    public int memberBitfieldSize(int id, int i) {
        return kindFlag(id) ? word(id, 3 * i + 2) >>> 24 : 0;
    }

    /**
     * {@return ENUM/ENUM64: the name offset of enumerator {@code i}}
     *
     * @param id the id of an ENUM or ENUM64
     * @param i the enumerator's index, from 0
     */
    public int enumNameOffset(int id, int i) {
        return word(id, kindCode(id) == ENUM64 ? 3 * i : 2 * i);
    }

    /**
     * {@return ENUM/ENUM64: the name of enumerator {@code i}}
     *
     * @param id the id of an ENUM or ENUM64
     * @param i the enumerator's index, from 0
     */
    public String enumName(int id, int i) {
        return string(enumNameOffset(id, i));
    }

    /**
     * ENUM/ENUM64: the value of enumerator {@code i}; 32-bit values are sign-extended if the kind flag (signed) is set,
     * zero-extended otherwise.
     *
     * @param id the id of an ENUM or ENUM64
     * @param i the enumerator's index, from 0
     * @return the value; an unsigned 64-bit value as its bits
     */
    public long enumValue(int id, int i) {
        if (kindCode(id) == ENUM64) {
            return Integer.toUnsignedLong(word(id, 3 * i + 1)) | (long) word(id, 3 * i + 2) << 32;
        }
        int v = word(id, 2 * i + 1);
        return kindFlag(id) ? v : Integer.toUnsignedLong(v);
    }

    /**
     * {@return FUNC_PROTO: the name offset of parameter {@code i}}
     *
     * @param id the id of a FUNC_PROTO
     * @param i the parameter's index, from 0
     */
    public int paramNameOffset(int id, int i) {
        return word(id, 2 * i);
    }

    /**
     * {@return FUNC_PROTO: the name of parameter {@code i}, "" if none}
     *
     * @param id the id of a FUNC_PROTO
     * @param i the parameter's index, from 0
     */
    public String paramName(int id, int i) {
        int no = word(id, 2 * i);
        return no == 0 ? "" : string(no);
    }

    /**
     * {@return FUNC_PROTO: the type id of parameter {@code i} (0 for a trailing "...")}
     *
     * @param id the id of a FUNC_PROTO
     * @param i the parameter's index, from 0
     */
    public int paramType(int id, int i) {
        return word(id, 2 * i + 1);
    }

    /**
     * {@return VAR: the linkage (0 static, 1 global, 2 extern)}
     *
     * @param id the id of a VAR
     */
    public int varLinkage(int id) {
        return word(id, 0);
    }

    /**
     * {@return FUNC: the linkage (0 static, 1 global, 2 extern), stored as vlen}
     *
     * @param id the id of a FUNC
     */
    public int funcLinkage(int id) {
        return vlen(id);
    }

    /**
     * {@return DECL_TAG: the component index, -1 for the type itself}
     *
     * @param id the id of a DECL_TAG
     */
    public int declTagComponentIdx(int id) {
        return word(id, 0);
    }

    /**
     * {@return DATASEC: the type id (a VAR or FUNC) of variable {@code i}}
     *
     * @param id the id of a DATASEC
     * @param i the variable's index, from 0
     */
    public int datasecVarType(int id, int i) {
        return word(id, 3 * i);
    }

    /**
     * {@return DATASEC: the byte offset in the section of variable {@code i}}
     *
     * @param id the id of a DATASEC
     * @param i the variable's index, from 0
     */
    public int datasecVarOffset(int id, int i) {
        return word(id, 3 * i + 1);
    }

    /**
     * {@return DATASEC: the size in bytes of variable {@code i}}
     *
     * @param id the id of a DATASEC
     * @param i the variable's index, from 0
     */
    public int datasecVarSize(int id, int i) {
        return word(id, 3 * i + 2);
    }

    // ------------------------------------------------------------------------------------------
    // Materialized types

    /**
     * {@return type {@code id} as a new record; {@link BtfType.Void#INSTANCE} for id 0}
     *
     * @param id the type id, 0 to {@link #typeCount()} - 1
     * @throws IllegalArgumentException if {@code id} is out of range
     */
    public BtfType type(int id) {
        // in another class, so that loading Btf does not load (and verify) the record classes
        return Materializer.type(this, id);
    }

    // ------------------------------------------------------------------------------------------
    // Lookups (BtfNames: the name index and the scans before it)

    /**
     * The lowest type id with exactly this name and kind (searching the base first for split BTF).
     *
     * @param name the type's name
     * @param kind the type's kind
     * @return the id, or -1 if there is none
     */
    public int find(String name, BtfKind kind) {
        return names.find(name, kind);
    }

    /**
     * All type ids with exactly this name, of any kind, ascending (the base's first for split BTF).
     *
     * @param name the type's name
     * @return the ids; empty if there is none
     */
    public int[] findAll(String name) {
        return names.findAll(name);
    }

    /**
     * All type ids, ascending, whose essential name equals {@code essentialName} and whose kind is
     * {@code kind} (any kind if null). The essential name is libbpf's
     * ({@code bpf_core_essential_name_len}): the name up to its LAST "X___Y" flavour separator
     * (X and Y not '_'), so "task_struct___v1" and "task_struct" both have the essential name
     * "task_struct", and "a___b___c" has "a___b". Anonymous types are never returned.
     *
     * @param essentialName the name without a flavour suffix
     * @param kind the kind to match, or null for any
     * @return the ids; empty if there is none
     */
    public int[] findByEssentialName(String essentialName, BtfKind kind) {
        return names.findByEssentialName(essentialName, kind);
    }

    /** For tests: how many lookups may scan before the index is built (0: index at once). */
    void lookupScanBudget(int lookups) {
        names.lookupScanBudget(lookups);
    }

    /**
     * libbpf's bpf_core_essential_name_len: the length of the name before its last flavour separator.
     *
     * @param name a type or field name, such as {@code task_struct___v1}
     * @return the length of its essential name; the whole length if it has no flavour
     */
    public static int essentialNameLength(String name) {
        return BtfNames.essentialNameLength(name);
    }

    // ------------------------------------------------------------------------------------------
    // Type algebra

    /**
     * Follows CONST, VOLATILE, RESTRICT and TYPE_TAG to the first other type (or void).
     *
     * @param id the type id
     * @return the first type id that is no modifier
     */
    public int skipModifiers(int id) {
        for (int depth = 0; ; depth++) {
            int k = kindCode(id);
            if (k != VOLATILE && k != CONST && k != RESTRICT && k != TYPE_TAG) return id;
            if (depth > typeCount) throw loop(id);
            id = sizeOrType(id);
        }
    }

    /**
     * Follows modifiers and TYPEDEF to the first other type (or void).
     *
     * @param id the type id
     * @return the first type id that is neither modifier nor typedef
     */
    public int resolve(int id) {
        for (int depth = 0; ; depth++) {
            int k = kindCode(id);
            if (k != TYPEDEF && k != VOLATILE && k != CONST && k != RESTRICT && k != TYPE_TAG) return id;
            if (depth > typeCount) throw loop(id);
            id = sizeOrType(id);
        }
    }

    private BpfException loop(int id) {
        return new ObjectFileException(origin, null, "malformed BTF: type [" + id + "] is part of a reference loop");
    }

    /**
     * The size in bytes of a type, like libbpf's {@code btf__resolve_size}: pointers 8, arrays
     * element size times element count, INT/FLOAT/ENUM/STRUCT/UNION/DATASEC their size, following
     * typedefs, modifiers, VAR and DECL_TAG.
     *
     * @param id the type id
     * @return the size in bytes
     * @throws BpfException for void, FWD, FUNC, FUNC_PROTO, or a size above 4 GiB
     */
    public long sizeOf(int id) {
        long nelems = 1;
        int t = id;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            int k = kindCode(t);
            switch (k) {
                case INT, STRUCT, UNION, ENUM, DATASEC, FLOAT, ENUM64 -> {
                    long size = Integer.toUnsignedLong(sizeOrType(t));
                    if (nelems != 0 && size > 0xffffffffL / nelems) throw tooBig(id);
                    return nelems * size;
                }
                case PTR -> {
                    if (nelems != 0 && 8 > 0xffffffffL / nelems) throw tooBig(id);
                    return nelems * 8;
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, VAR, DECL_TAG, TYPE_TAG -> t = sizeOrType(t);
                case ARRAY -> {
                    long n = Integer.toUnsignedLong(arrayNelems(t));
                    if (nelems != 0 && n > 0xffffffffL / nelems) throw tooBig(id);
                    nelems *= n;
                    t = arrayType(t);
                }
                default -> throw new BpfException(origin + ": BTF type " + describe(id) + " has no size"
                        + (t != id ? " (resolves to " + describe(t) + ")" : ""));
            }
        }
        throw new BpfException(origin + ": BTF type " + describe(id) + ": size resolution deeper than "
                + MAX_RESOLVE_DEPTH + " levels");
    }

    private BpfException tooBig(int id) {
        return new BpfException(origin + ": BTF type " + describe(id) + " is larger than 4 GiB");
    }

    /**
     * The alignment in bytes of a type, like libbpf's {@code btf__align_of}: scalars min(8, size),
     * pointers 8, arrays their element's, structs and unions their largest member's, or 1 if a
     * member offset or the size shows the type is packed.
     *
     * @param id the type id
     * @return the alignment in bytes
     * @throws BpfException for kinds without an alignment (void, FWD, FUNC, FUNC_PROTO, VAR, ...)
     */
    public int alignOf(int id) {
        return alignOf(id, 0);
    }

    private int alignOf(int id, int depth) {
        if (depth > 256) throw loop(id);
        int k = kindCode(id);
        switch (k) {
            case INT, ENUM, FLOAT, ENUM64:
                return Math.min(8, sizeOrType(id));
            case PTR:
                return 8;
            case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG:
                return alignOf(sizeOrType(id), depth + 1);
            case ARRAY:
                return alignOf(arrayType(id), depth + 1);
            case STRUCT, UNION: {
                int vlen = vlen(id);
                int max = 1;
                for (int i = 0; i < vlen; i++) {
                    int a = alignOf(memberType(id, i), depth + 1);
                    if (a <= 0) {
                        throw new BpfException(origin + ": BTF type " + describe(id) + ": member " + i
                                + " has no alignment");
                    }
                    if (a > max) max = a;
                    if (memberBitfieldSize(id, i) == 0 && Integer.remainderUnsigned(memberBitOffset(id, i), 8 * a) != 0) {
                        return 1;
                    }
                }
                if (Integer.remainderUnsigned(sizeOrType(id), max) != 0) return 1;
                return max;
            }
            default:
                throw new BpfException(origin + ": BTF type " + describe(id) + " has no alignment");
        }
    }

    /**
     * {@return "[id] KIND 'name'" for messages}
     *
     * @param id the type id
     */
    public String describe(int id) {
        if (id == 0) return "[0] void";
        String n = name(id);
        return "[" + id + "] " + kind(id) + (n.isEmpty() ? "" : " '" + n + "'");
    }

    @Override
    public String toString() {
        return "Btf[" + origin + ", " + (typeCount - firstId) + " types"
                + (base != null ? " split over " + base.origin : "") + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Little-endian decoding (plain byte arithmetic: fast in the interpreter, no VarHandle bootstrap)

    static int u32(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | d[p + 3] << 24;
    }

    static int u16(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
    }

    private static long u32l(byte[] d, int p) {
        return u32(d, p) & 0xffffffffL;
    }

    /** Absolute offset of a local type's record in {@link #rawArray()}; for the package's formatter and builder. */
    int typeSectionStart() {
        return typesStart;
    }

    int typeSectionLength() {
        return typesLength;
    }

    /** The size in bytes of a type record of this kind and vlen, or -1 for an unknown kind. */
    static int recordSize(int kind, int vlen) {
        return switch (kind) {
            case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> TYPE_HEADER;
            case INT, VAR, DECL_TAG -> TYPE_HEADER + 4;
            case ARRAY -> TYPE_HEADER + 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> TYPE_HEADER + 12 * vlen;
            case ENUM, FUNC_PROTO -> TYPE_HEADER + 8 * vlen;
            default -> -1;
        };
    }

    int recordOffset(int id) {
        return off(id);
    }

    /** The internal array (not copied), for the package's formatter and builder. */
    byte[] rawArray() {
        return raw;
    }

    /** The absolute offsets of the local type records, by id - firstId (not copied), for the name index. */
    int[] offsetsArray() {
        return offsets;
    }

    /** Absolute offset of the string section in {@link #rawArray()}. */
    int stringSectionStart() {
        return strStart;
    }
}
