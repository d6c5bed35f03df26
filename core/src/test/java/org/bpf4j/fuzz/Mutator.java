package org.bpf4j.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Section;

/**
 * Structure-aware mutation: a seed is a valid input plus the places of its fields (ELF header,
 * section and program headers, symbols, relocations, notes, BTF header and type records, the
 * .BTF.ext header and records), found once from the seed. A mutant sets one to four fields to a
 * boundary value (0, 1, all ones, the signed extremes, the file's length, the old value nudged
 * or doubled), flips bytes, truncates, or copies a chunk over another. Deterministic for a seed.
 */
final class Mutator {
    /** A field: its offset in the input and its width in bytes (1, 2, 4 or 8). */
    record Site(int offset, int width) {
    }

    /** A valid input, its fields, and what the target needs beside it (the BTF of a .BTF.ext), or null. */
    record Seed(String name, byte[] data, int[] sites, Object context) {
        static Seed of(String name, byte[] data, List<Site> sites) {
            return of(name, data, sites, null);
        }

        static Seed of(String name, byte[] data, List<Site> sites, Object context) {
            int[] packed = new int[sites.size()];
            for (int i = 0; i < packed.length; i++) {
                Site s = sites.get(i);
                if (s.offset() + s.width() <= data.length) packed[i] = s.offset() << 4 | s.width();
            }
            return new Seed(name, data, packed, context);
        }
    }

    private final SplittableRandom random;

    Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    byte[] mutate(Seed seed) {
        byte[] d = seed.data().clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n && d.length > 0; i++) {
            int op = random.nextInt(100);
            if (op < 70 && seed.sites().length > 0) {
                int site = seed.sites()[random.nextInt(seed.sites().length)];
                int off = site >>> 4, width = site & 0xf;
                if (off + width <= d.length) setField(d, off, width);
            } else if (op < 85) {
                int k = 1 + random.nextInt(4);
                for (int j = 0; j < k; j++) d[random.nextInt(d.length)] ^= (byte) (1 << random.nextInt(8));
            } else if (op < 90) {
                d = java.util.Arrays.copyOf(d, random.nextInt(d.length));
            } else if (op < 95) {
                int len = 1 + random.nextInt(Math.min(64, d.length));
                int from = random.nextInt(d.length - len + 1), to = random.nextInt(d.length - len + 1);
                System.arraycopy(d, from, d, to, len);
            } else {
                int off = random.nextInt(d.length) & ~3;
                if (off + 4 <= d.length) ElfEdit.putU32(d, off, (int) interesting(4, ElfEdit.u32(d, off), d.length));
            }
        }
        return d;
    }

    private void setField(byte[] d, int off, int width) {
        long old = switch (width) {
            case 1 -> d[off] & 0xffL;
            case 2 -> ElfEdit.u16(d, off);
            case 4 -> ElfEdit.u32(d, off) & 0xffffffffL;
            default -> ElfEdit.u64(d, off);
        };
        long v = interesting(width, old, d.length);
        switch (width) {
            case 1 -> d[off] = (byte) v;
            case 2 -> ElfEdit.putU16(d, off, (int) v);
            case 4 -> ElfEdit.putU32(d, off, (int) v);
            default -> ElfEdit.putU64(d, off, v);
        }
    }

    private long interesting(int width, long old, int length) {
        int bits = width * 8;
        long ones = bits == 64 ? -1L : (1L << bits) - 1;
        return switch (random.nextInt(12)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> ones;
            case 3 -> ones >>> 1;                       // signed maximum
            case 4 -> (ones >>> 1) + 1;                 // signed minimum
            case 5 -> length;
            case 6 -> length + random.nextInt(1, 65);
            case 7 -> old + random.nextInt(1, 17);
            case 8 -> old - random.nextInt(1, 17);
            case 9 -> old << 1 | 1;
            case 10 -> old ^ 1L << random.nextInt(bits);
            default -> random.nextLong() & ones;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Sites

    private static final int[][] EHDR = {{16, 2}, {18, 2}, {20, 4}, {24, 8}, {32, 8}, {40, 8}, {48, 4}, {52, 2},
            {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2}};
    private static final int[][] SHDR = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 4}, {44, 4},
            {48, 8}, {56, 8}};
    private static final int[][] PHDR = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 8}, {48, 8}};
    private static final int MAX_ENTRIES = 256;

    /** The fields of an ELF file, with those of its .BTF and .BTF.ext sections. */
    static List<Site> elfSites(byte[] data) {
        List<Site> out = new ArrayList<>();
        ElfFile elf = ElfFile.parse(data.clone(), "seed");
        for (int[] f : EHDR) out.add(new Site(f[0], f[1]));
        long shoff = ElfEdit.u64(data, 40);
        int shentsize = ElfEdit.u16(data, 58);
        for (Section s : elf.sections()) {
            int p = (int) shoff + s.index() * shentsize;
            for (int[] f : SHDR) out.add(new Site(p + f[0], f[1]));
        }
        long phoff = ElfEdit.u64(data, 32);
        for (int i = 0; i < elf.programHeaders().size(); i++) {
            for (int[] f : PHDR) out.add(new Site((int) phoff + 56 * i + f[0], f[1]));
        }
        for (Section s : elf.sections()) {
            int base = (int) s.offset();
            switch (s.type()) {
                case Section.SHT_SYMTAB, Section.SHT_DYNSYM -> {
                    for (int i = 0; i < Math.min(MAX_ENTRIES, s.size() / 24); i++) {
                        int p = base + 24 * i;
                        out.add(new Site(p, 4));
                        out.add(new Site(p + 4, 1));
                        out.add(new Site(p + 5, 1));
                        out.add(new Site(p + 6, 2));
                        out.add(new Site(p + 8, 8));
                        out.add(new Site(p + 16, 8));
                    }
                }
                case Section.SHT_REL, Section.SHT_RELA -> {
                    int ent = s.type() == Section.SHT_REL ? 16 : 24;
                    for (int i = 0; i < Math.min(MAX_ENTRIES, s.size() / ent); i++) {
                        int p = base + ent * i;
                        out.add(new Site(p, 8));
                        out.add(new Site(p + 8, 4));
                        out.add(new Site(p + 12, 4));
                        if (ent == 24) out.add(new Site(p + 16, 8));
                    }
                }
                case Section.SHT_NOTE -> words(out, base, (int) s.size(), 4);
                default -> {
                    if (s.name().equals(".BTF")) out.addAll(shift(btfSites(elf.bytes(s)), base));
                    else if (s.name().equals(".BTF.ext")) words(out, base, (int) s.size(), 4);
                    else if (s.name().equals(".maps") || s.name().startsWith(".rodata") || s.name().equals(".data")) {
                        words(out, base, (int) Math.min(s.size(), 256), 4);
                    }
                }
            }
        }
        return out;
    }

    /** The fields of a raw BTF blob: header, and every word of the first type records. */
    static List<Site> btfSites(byte[] btf) {
        List<Site> out = new ArrayList<>();
        for (int p = 4; p < 24; p += 4) out.add(new Site(p, 4));
        out.add(new Site(2, 1));
        out.add(new Site(3, 1));
        List<BtfEdit.Rec> recs = BtfEdit.records(btf);
        for (int i = 0; i < recs.size(); i++) {
            BtfEdit.Rec r = recs.get(i);
            int end = i + 1 < recs.size() ? recs.get(i + 1).offset() : BtfEdit.typesEnd(btf);
            out.add(new Site(r.offset() + 6, 1));   // vlen high byte
            out.add(new Site(r.offset() + 7, 1));   // kind and kind flag
            words(out, r.offset(), Math.min(end - r.offset(), 12 + 12 * 16), 4);
        }
        return out;
    }

    static void words(List<Site> out, int base, int size, int width) {
        for (int p = 0; p + width <= Math.min(size, 4096); p += width) out.add(new Site(base + p, width));
    }

    private static List<Site> shift(List<Site> sites, int by) {
        List<Site> out = new ArrayList<>(sites.size());
        for (Site s : sites) out.add(new Site(s.offset() + by, s.width()));
        return out;
    }
}
