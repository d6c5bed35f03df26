package org.bpf4j.fuzz;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bpf4j.BpfException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;

/**
 * The malformed inputs of issue 14, rebuilt from the fixtures with the same damage. Each case
 * reads its input the way the CLI does ({@code ObjectSpec.read}, {@code Btf.read} of a
 * {@code --btf FILE}, {@code btf dump FILE}) and must end in a typed {@link BpfException}. The
 * main method runs them all in a JVM of its own (the test starts it with {@code -Xmx256m}) and
 * prints one line per case: {@code NAME EXCEPTION MILLIS BYTES_WRITTEN MESSAGE}.
 */
final class Reproducers {
    /** A case: what it damaged, and the read that must fail. */
    interface Case {
        /** Reads the damaged input from {@code dir}; returns the bytes of C written, if any. */
        long run(Path dir) throws IOException;
    }

    private Reproducers() {
    }

    static Map<String, Case> cases() {
        Map<String, Case> out = new LinkedHashMap<>();
        out.put("rel-info-out-of-range", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            Section rel = e.sectionsOfType(Section.SHT_REL).getFirst();
            e.shdr(rel, ElfEdit.SHDR_INFO, 4000);
            return readObject(dir, "rel_info.o", e.data);
        });
        out.put("rel-info-negative", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            Section rel = e.sectionsOfType(Section.SHT_REL).getFirst();
            e.shdr(rel, ElfEdit.SHDR_INFO, 0x80000001L);
            return readObject(dir, "rel_info_neg.o", e.data);
        });
        out.put("func-st-value-negative", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            Symbol f = e.firstFunction();
            e.symbol(f, ElfEdit.SYM_VALUE, -8);
            return readObject(dir, "st_value.o", e.data);
        });
        out.put("func-st-size-negative", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            Symbol f = e.firstFunction();
            e.symbol(f, ElfEdit.SYM_SIZE, -8);
            return readObject(dir, "st_size.o", e.data);
        });
        out.put("btf-file-e-shoff-minus-1", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("btf_kinds.o"));
            e.header(40, -1L, 8);
            Path p = write(dir, "shoff.o", e.data);
            Btf.read(p);
            return 0;
        });
        out.put("object-e-shoff-minus-1", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("btf_kinds.o"));
            e.header(40, -1L, 8);
            return readObject(dir, "shoff_obj.o", e.data);
        });
        out.put("bss-1.37GB", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            e.shdr(e.section(".bss"), ElfEdit.SHDR_SIZE, 1_370_000_000L);
            return readObject(dir, "bss.o", e.data);
        });
        out.put("bss-2GB", dir -> {
            ElfEdit e = new ElfEdit(ElfEdit.fixture("obj_full.o"));
            e.shdr(e.section(".bss"), ElfEdit.SHDR_SIZE, 2L << 30);
            return readObject(dir, "bss2.o", e.data);
        });
        // the C dumper: a struct's size or a member's offset far past what its members make
        out.put("btf-dump-struct-size-2GB", dir -> dumpWith(dir, "size.o", (btf, base, rec) ->
                ElfEdit.putU32(btf, base + rec.sizeAt(), 0x7fffff00)));
        out.put("btf-dump-struct-size-200MB", dir -> dumpWith(dir, "size200.o", (btf, base, rec) ->
                ElfEdit.putU32(btf, base + rec.sizeAt(), 200 << 20)));
        out.put("btf-dump-member-offset-beyond-size", dir -> dumpWith(dir, "member.o", (btf, base, rec) ->
                ElfEdit.putU32(btf, base + rec.memberOffsetAt(rec.vlen() - 1), rec.kflag() ? 0x00ffffff : 0xc0000000)));
        // not of the issue: a member before the one before it, which the kernel's BTF verifier refuses too
        out.put("btf-dump-member-out-of-order", dir -> dumpWith(dir, "order.o", (btf, base, rec) ->
                ElfEdit.putU32(btf, base + rec.memberOffsetAt(rec.vlen() - 1), 0)));
        return out;
    }

    interface BtfDamage {
        void apply(byte[] file, int btfOffset, BtfEdit.Rec struct);
    }

    private static long dumpWith(Path dir, String name, BtfDamage damage) throws IOException {
        ElfEdit e = new ElfEdit(ElfEdit.fixture("attach.o"));
        Section s = e.section(".BTF");
        byte[] btf = e.elf.bytes(s);
        damage.apply(e.data, (int) s.offset(), BtfEdit.largestStruct(btf));
        Path p = write(dir, name, e.data);
        Counting out = new Counting();
        try {
            BtfCDumper.dumpVmlinuxH(Btf.read(p), out);
        } finally {
            written = out.n;
        }
        return out.n;
    }

    /** Bytes of C the last dump case wrote before it failed. */
    static long written;

    private static long readObject(Path dir, String name, byte[] data) throws IOException {
        ObjectSpec.read(write(dir, name, data));
        return 0;
    }

    private static Path write(Path dir, String name, byte[] data) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }

    /** Counts what it is given; refuses more than 64 MB, which no case here may write. */
    static final class Counting extends OutputStream {
        long n;

        @Override
        public void write(int b) {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            add(len);
        }

        private void add(long k) {
            n += k;
            if (n > 64L << 20) throw new IllegalStateException("more than 64 MB of output");
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("bpf4j-repro");
        try {
            for (Map.Entry<String, Case> c : cases().entrySet()) {
                written = 0;
                long t0 = System.nanoTime();
                String outcome;
                String message;
                try {
                    c.getValue().run(dir);
                    outcome = "none";
                    message = "no exception";
                } catch (Throwable t) {
                    outcome = t.getClass().getName();
                    message = String.valueOf(t.getMessage()).replace('\n', ' ');
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println(c.getKey() + " " + outcome + " " + ms + " " + written + " " + message);
            }
        } finally {
            try (var s = Files.list(dir)) {
                s.forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            Files.delete(dir);
        }
    }
}
