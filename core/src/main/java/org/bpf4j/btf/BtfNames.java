package org.bpf4j.btf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Name lookups in one {@link Btf} (its local types; a split BTF's base answers for its own).
 *
 * <p>One index serves all lookups, built on first use in one pass over the named local types:
 * open addressing (linear probing) over a hash of each name's bytes, holding type ids
 * inserted in ascending order, so that the ids of one name are probed in ascending order. The
 * same pass lists the few types whose name has a CO-RE flavour ("foo___bar"), so that lookups
 * by essential name are an exact-name lookup plus a scan of that short list.
 */
final class BtfNames {
    // the Btf's fields this reads, copied (see Btf for what each is)
    private final Btf base;
    private final byte[] raw;
    private final int[] offsets;
    private final int firstId, typeCount, strStart, strBase, strLimit;

    private volatile NameIndex nameIndex;

    BtfNames(Btf btf) {
        raw = btf.rawArray();
        base = btf.base();
        firstId = btf.firstId();
        typeCount = btf.typeCount();
        offsets = btf.offsetsArray();
        strStart = btf.stringSectionStart();
        strBase = btf.stringsStart();
        strLimit = strBase + btf.stringsLength();
    }

    /** See {@link Btf#find}. */
    int find(String name, BtfKind kind) {
        if (base != null) {
            int r = base.find(name, kind);
            if (r >= 0) return r;
        }
        if (name.isEmpty() || firstId == typeCount) return -1;
        byte[] q = query(name);
        int code = kind.code();
        if (scanInsteadOfIndex()) {
            int[] ids = scan(q, code, MODE_FIRST);
            return ids.length == 0 ? -1 : ids[0];
        }
        int h = (int) hashName(q, 0);
        NameIndex ix = nameIndex();
        int[] slots = ix.slots;
        int[] hashes = ix.hashes;
        int mask = slots.length - 1;
        for (int s = h & mask, id; (id = slots[s]) != 0; s = (s + 1) & mask) {
            if (hashes[s] == h && (raw[offsets[id - firstId] + 7] & 0x1f) == code && nameMatches(id, q, q.length - 1, true)) {
                return id;
            }
        }
        return -1;
    }

    /** See {@link Btf#findAll}. */
    int[] findAll(String name) {
        int[] out = base == null ? EMPTY : base.findAll(name);
        if (name.isEmpty() || firstId == typeCount) return out;
        byte[] q = query(name);
        if (scanInsteadOfIndex()) return concat(out, scan(q, -1, MODE_EXACT));
        int h = (int) hashName(q, 0);
        NameIndex ix = nameIndex();
        int[] slots = ix.slots;
        int[] hashes = ix.hashes;
        int mask = slots.length - 1;
        int n = out.length;
        for (int s = h & mask, id; (id = slots[s]) != 0; s = (s + 1) & mask) {
            if (hashes[s] == h && nameMatches(id, q, q.length - 1, true)) {
                if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
                out[n++] = id;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** See {@link Btf#findByEssentialName}. */
    int[] findByEssentialName(String essentialName, BtfKind kind) {
        int[] fromBase = base == null ? EMPTY : base.findByEssentialName(essentialName, kind);
        if (essentialName.isEmpty() || firstId == typeCount) return fromBase;
        byte[] q = query(essentialName);
        int qlen = q.length - 1;
        int code = kind == null ? -1 : kind.code();
        if (scanInsteadOfIndex()) return concat(fromBase, scan(q, code, MODE_ESSENTIAL));
        int h = (int) hashName(q, 0);
        NameIndex ix = nameIndex();
        // 1. types named exactly q, unless their own essential name is shorter (q has a flavour)
        int[] exact = new int[4];
        int n = 0;
        int[] slots = ix.slots;
        int[] hashes = ix.hashes;
        int mask = slots.length - 1;
        for (int s = h & mask, id; (id = slots[s]) != 0; s = (s + 1) & mask) {
            if (hashes[s] == h && (code < 0 || (raw[offsets[id - firstId] + 7] & 0x1f) == code)
                    && nameMatches(id, q, qlen, true) && essentialNameLength(q, 0) == qlen) {
                if (n == exact.length) exact = Arrays.copyOf(exact, n * 2);
                exact[n++] = id;
            }
        }
        // 2. flavoured types whose essential name is q
        int[] flavoured = ix.flavoured;
        int[] flavourHashes = ix.flavourHashes;
        int[] fl = EMPTY;
        int m = 0;
        for (int i = 0; i < flavoured.length; i++) {
            int id = flavoured[i];
            if (flavourHashes[i] == h && (code < 0 || (raw[offsets[id - firstId] + 7] & 0x1f) == code)
                    && nameMatches(id, q, qlen, false) && essentialLengthOf(id) == qlen) {
                if (m == fl.length) fl = Arrays.copyOf(fl, Math.max(4, m * 2));
                fl[m++] = id;
            }
        }
        // merge (both ascending) after the base's ids
        int[] out = Arrays.copyOf(fromBase, fromBase.length + n + m);
        int i = 0, j = 0, k = fromBase.length;
        while (i < n || j < m) out[k++] = j >= m || (i < n && exact[i] < fl[j]) ? exact[i++] : fl[j++];
        return out;
    }

    /**
     * The first few lookups scan the types instead of building the index: in a fresh JVM, a scan
     * of the kernel's BTF costs a few milliseconds, the index ten or more, and a command-line tool
     * may need only a lookup or two. Later lookups build and use the index.
     */
    private static final int SCANNED_LOOKUPS = 4;
    private int scannedLookups; // racy on purpose: at worst a thread scans once more
    private int scanBudget = SCANNED_LOOKUPS;

    private boolean scanInsteadOfIndex() {
        if (nameIndex != null || scannedLookups >= scanBudget) return false;
        scannedLookups++;
        return true;
    }

    /** For tests: how many lookups may scan before the index is built (0: index at once). */
    void lookupScanBudget(int lookups) {
        scanBudget = lookups;
    }

    /** A scanned lookup's answer. */
    private record Scanned(byte[] q, int code, int mode, int[] ids) {}

    /** The answers of the lookups that scanned; guarded by itself. */
    private final List<Scanned> scanned = new java.util.ArrayList<>(SCANNED_LOOKUPS);

    /**
     * {@link #linear}, remembered: a tool looks a type up in a warm-up thread while its object is
     * parsed, then CO-RE asks for the same type, and the second scan would be on its critical path.
     * One scan at a time, so that the second asker waits for the first's answer.
     */
    private int[] scan(byte[] q, int code, int mode) {
        synchronized (scanned) {
            for (Scanned s : scanned) {
                if (s.code == code && s.mode == mode && Arrays.equals(s.q, q)) return s.ids.clone();
            }
            int[] ids = linear(q, code, mode);
            scanned.add(new Scanned(q, code, mode, ids.clone()));
            return ids;
        }
    }

    private static final int MODE_FIRST = 0;     // lowest id with the exact name and kind
    private static final int MODE_EXACT = 1;     // all ids with the exact name (and kind, if given)
    private static final int MODE_ESSENTIAL = 2; // all ids with that essential name (and kind, if given)

    /** Scans the local types for names matching q (NUL-terminated) in the given mode; ascending ids. */
    private int[] linear(byte[] q, int code, int mode) {
        byte[] r = raw;
        int qlen = q.length - 1;
        byte first = q[0];
        int[] out = EMPTY;
        int n = 0;
        for (int i = 0, count = typeCount - firstId; i < count; i++) {
            int o = offsets[i];
            if (code >= 0 && (r[o + 7] & 0x1f) != code) continue;
            int nameOff = (r[o] & 0xff) | (r[o + 1] & 0xff) << 8 | (r[o + 2] & 0xff) << 16 | r[o + 3] << 24;
            if (nameOff <= 0 || nameOff >= strLimit) continue;
            if (nameOff >= strBase && r[strStart + (nameOff - strBase)] != first) continue; // the usual case
            int id = firstId + i;
            boolean match;
            if (mode != MODE_ESSENTIAL) {
                match = nameMatches(id, q, qlen, true);
            } else {
                // starts with q, and its essential name is that long: q exactly, or q plus a flavour
                match = nameMatches(id, q, qlen, false) && essentialLengthOf(id) == qlen;
            }
            if (!match) continue;
            if (mode == MODE_FIRST) return new int[] {id};
            if (n == out.length) out = Arrays.copyOf(out, Math.max(4, n * 2));
            out[n++] = id;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static int[] concat(int[] a, int[] b) {
        if (a.length == 0) return b;
        if (b.length == 0) return a;
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** libbpf's bpf_core_essential_name_len: the length of the name before its last flavour separator. */
    static int essentialNameLength(String name) {
        int n = name.length();
        for (int i = n - 5; i >= 0; i--) {
            if (name.charAt(i) != '_' && name.charAt(i + 1) == '_' && name.charAt(i + 2) == '_'
                    && name.charAt(i + 3) == '_' && name.charAt(i + 4) != '_') {
                return i + 1;
            }
        }
        return n;
    }

    /** The essential-name length of a NUL-terminated name starting at b[s]. */
    private static int essentialNameLength(byte[] b, int s) {
        return (int) (hashName(b, s) >>> 32);
    }

    private static final int[] EMPTY = new int[0];

    /** The query's UTF-8 bytes followed by a NUL, the form {@link #hashName} and nameMatches take. */
    private static byte[] query(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }

    /**
     * Hashes the NUL-terminated name at b[s] (FNV-1a with a final mix) and finds its essential
     * length in the same pass: returns the essential length in the high 32 bits and the hash of
     * the whole name in the low 32 bits.
     * A flavour separator is a run of exactly three '_' with a non-'_' before it and a non-'_',
     * non-NUL byte after it; the essential length is where the last such run starts.
     */
    private static long hashName(byte[] b, int s) {
        int h = 0x811c9dc5;
        int i = s;
        int run = 0;
        int essential = -1;
        int c;
        while ((c = b[i]) != 0) {
            if (c == '_') {
                run++;
            } else if (run != 0) {
                // if (run == 3 && i - 4 >= s) essential = i - 3 - s; without a branch: a flavour
                // is so rare that the JIT would compile that branch to a trap, and then hit it
                int sep = (((run ^ 3) - 1) >>> 31) & ((s - i + 3) >>> 31);
                essential += sep * (i - 3 - s - essential);
                run = 0;
            }
            h = (h ^ (c & 0xff)) * 0x01000193;
            i++;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        int len = i - s;
        essential += (essential >>> 31) * (len + 1); // -1 (no flavour) -> len, again without a branch
        return (long) essential << 32 | (h & 0xffffffffL);
    }

    /** The hash hashName gives to the first len bytes of b[s..] (for essential prefixes). */
    private static int hashPrefix(byte[] b, int s, int len) {
        int h = 0x811c9dc5;
        for (int i = s, e = s + len; i < e; i++) h = (h ^ (b[i] & 0xff)) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /**
     * True if local type id's name equals q[0..len) (exact), or starts with it (prefix). Names in the
     * base's strings (split BTF) are compared through the base.
     */
    private boolean nameMatches(int id, byte[] q, int len, boolean exact) {
        int nameOff = Btf.u32(raw, offsets[id - firstId]);
        byte[] r = raw;
        int p;
        if (nameOff < strBase) {
            r = query(base.string(nameOff));
            p = 0;
        } else {
            p = strStart + (nameOff - strBase);
        }
        for (int i = 0; i < len; i++) {
            if (r[p + i] != q[i]) return false; // stops at the name's NUL if it is shorter
        }
        return !exact || r[p + len] == 0;
    }

    /** Essential-name length of local type id. */
    private int essentialLengthOf(int id) {
        int nameOff = Btf.u32(raw, offsets[id - firstId]);
        if (nameOff < strBase) return essentialNameLength(base.string(nameOff));
        return essentialNameLength(raw, strStart + (nameOff - strBase));
    }

    private static final class NameIndex {
        final int[] slots;
        final int[] hashes;
        final int[] flavoured;
        final int[] flavourHashes;

        NameIndex(int[] slots, int[] hashes, int[] flavoured, int[] flavourHashes) {
            this.slots = slots;
            this.hashes = hashes;
            this.flavoured = flavoured;
            this.flavourHashes = flavourHashes;
        }
    }

    private NameIndex nameIndex() {
        NameIndex ix = nameIndex;
        if (ix == null) {
            synchronized (this) {
                ix = nameIndex;
                if (ix == null) nameIndex = ix = buildIndex();
            }
        }
        return ix;
    }

    private NameIndex buildIndex() {
        int n = typeCount - firstId;
        // at most half full even if every type is named (not counting the named ones saves a pass)
        int cap = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
        IndexBuild ib = new IndexBuild(cap, n);
        // In small chunks: a method called a few hundred times is JIT-compiled long before a loop
        // has run the 60000 iterations that get it compiled on the stack (OSR). This matters in a
        // fresh JVM, where the first lookup in the kernel's BTF builds this index.
        for (int i = 0; i < n; i += INDEX_CHUNK) ib.add(i, Math.min(n, i + INDEX_CHUNK));
        ib.finish();
        return new NameIndex(ib.slots, ib.hashes, Arrays.copyOf(ib.flavoured, ib.nf),
                Arrays.copyOf(ib.flavourHashes, ib.nf));
    }

    private static final int INDEX_CHUNK = 16;

    private final class IndexBuild {
        final int[] slots;
        final int[] hashes;
        final int mask;
        final int[] flavoured;
        final int[] flavourHashes;
        int nf;

        IndexBuild(int cap, int types) {
            slots = new int[cap];
            hashes = new int[cap];
            mask = cap - 1;
            flavoured = new int[types + 1];
            flavourHashes = new int[types + 1];
        }

        /** Inserts the named local types with index [from, to) (ids firstId + i). */
        void add(int from, int to) {
            byte[] r = raw;
            int[] sl = slots;
            int m = mask;
            for (int i = from; i < to; i++) {
                int o = offsets[i];
                int nameOff = (r[o] & 0xff) | (r[o + 1] & 0xff) << 8 | (r[o + 2] & 0xff) << 16 | r[o + 3] << 24;
                if (nameOff <= 0 || nameOff >= strLimit) continue; // anonymous (or garbage in unchecked trusted BTF)
                byte[] b = r;
                int s;
                if (nameOff < strBase) { // split BTF naming a type with one of the base's strings
                    b = query(base.string(nameOff));
                    s = 0;
                } else {
                    s = strStart + (nameOff - strBase);
                }
                long hl = hashName(b, s);
                int h = (int) hl;
                int slot = h & m;
                while (sl[slot] != 0) slot = (slot + 1) & m;
                sl[slot] = firstId + i;
                hashes[slot] = h;
                // flavoured (the essential name is shorter): noted without a branch, see hashName
                int essential = (int) (hl >>> 32);
                flavoured[nf] = firstId + i;
                flavourHashes[nf] = essential;
                nf += (b[s + essential] | -b[s + essential]) >>> 31;
            }
        }

        /** Replaces the essential lengths of the flavoured types by the hashes of their essential names. */
        void finish() {
            for (int i = 0; i < nf; i++) {
                int nameOff = Btf.u32(raw, offsets[flavoured[i] - firstId]);
                if (nameOff < strBase) {
                    byte[] q = query(base.string(nameOff));
                    flavourHashes[i] = hashPrefix(q, 0, flavourHashes[i]);
                } else {
                    flavourHashes[i] = hashPrefix(raw, strStart + (nameOff - strBase), flavourHashes[i]);
                }
            }
        }
    }
}
