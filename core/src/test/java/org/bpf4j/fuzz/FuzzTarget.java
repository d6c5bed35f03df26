package org.bpf4j.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bpf4j.ObjectFileException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.bpf4j.btf.BtfExt;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.SymbolOffsets;
import org.bpf4j.elf.UsdtNote;

/**
 * What is fuzzed: each target reads a mutated input the way bpf4j reads a file from a user, and
 * must end normally or in a {@link org.bpf4j.BpfException}. Seeds are the fixtures named in
 * {@code /fuzz/seeds.txt} (objects clang built from the repo's C, two host binaries, and a USDT
 * object written by {@link UsdtElf}).
 */
enum FuzzTarget {
    /** {@code ObjectSpec.parse}: ELF, BTF, .BTF.ext, maps, programs, relocations, externs. */
    OBJECT {
        @Override
        List<Mutator.Seed> seeds() {
            List<Mutator.Seed> out = new ArrayList<>();
            for (String n : seedNames("object")) {
                byte[] d = ElfEdit.fixture(n);
                out.add(Mutator.Seed.of(n, d, Mutator.elfSites(d)));
            }
            return out;
        }

        @Override
        void run(byte[] input, Object context) {
            ObjectSpec.parse(input, "fuzz.o");
        }
    },
    /** {@code Btf.parse} of a raw blob, then every type decoded and described. */
    BTF {
        @Override
        List<Mutator.Seed> seeds() {
            return btfSeeds();
        }

        @Override
        void run(byte[] input, Object context) {
            Btf btf = Btf.parse(input, "fuzz.btf");
            for (int id = 1; id < btf.typeCount(); id++) {
                btf.type(id);
                btf.describe(id);
            }
        }
    },
    /** {@code BtfExt.parse} of a mutated .BTF.ext against its object's intact BTF. */
    BTF_EXT {
        @Override
        List<Mutator.Seed> seeds() {
            List<Mutator.Seed> out = new ArrayList<>();
            for (String n : seedNames("object")) {
                ElfFile elf = ElfFile.parse(ElfEdit.fixture(n), n);
                Section b = elf.section(".BTF"), e = elf.section(".BTF.ext");
                if (b == null || e == null) continue;
                byte[] ext = elf.bytes(e);
                List<Mutator.Site> sites = new ArrayList<>();
                Mutator.words(sites, 0, ext.length, 4);
                out.add(Mutator.Seed.of(n + ":.BTF.ext", ext, sites, Btf.parse(elf.bytes(b), n)));
            }
            return out;
        }

        @Override
        void run(byte[] input, Object context) {
            BtfExt.parse(input, (Btf) context, "fuzz.o (.BTF.ext)");
        }
    },
    /**
     * The ELF reader: headers, symbols, dynamic symbols and versions, relocations, USDT notes,
     * and {@code readSection}, which reads one section of a file without the rest.
     */
    ELF {
        @Override
        List<Mutator.Seed> seeds() {
            List<Mutator.Seed> out = new ArrayList<>();
            for (String n : seedNames("elf")) {
                byte[] d = ElfEdit.fixture(n);
                out.add(Mutator.Seed.of(n, d, Mutator.elfSites(d)));
            }
            byte[] usdt = UsdtElf.build();
            out.add(Mutator.Seed.of("usdt (UsdtElf)", usdt, Mutator.elfSites(usdt)));
            return out;
        }

        @Override
        void run(byte[] input, Object context) {
            ElfFile elf = ElfFile.parse(input, "fuzz.elf");
            elf.symbols();
            elf.dynamicSymbols();
            for (Section s : elf.sections()) {
                elf.bytes(s);
                if (s.isRelocation()) elf.relocations(s);
            }
            UsdtNote.all(elf);
            // the path of --btf FILE and btf dump FILE: only the .BTF section is read from the file
            try {
                Path file = scratchFile();
                Files.write(file, input);
                ElfFile.readSection(file, ".BTF");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                SymbolOffsets.find(elf, "main");
                SymbolOffsets.find(elf, "malloc@GLIBC_2.2.5");
            } catch (ObjectFileException absent) {
                // no such function: the usual answer for most seeds
            }
        }
    },
    /** The C dumper ({@code btf dump FILE format c}), into a stream that refuses over 64 MB. */
    C_DUMP {
        @Override
        List<Mutator.Seed> seeds() {
            return btfSeeds();
        }

        @Override
        void run(byte[] input, Object context) {
            BtfCDumper.dumpVmlinuxH(Btf.parse(input, "fuzz.btf"), new Reproducers.Counting());
        }
    };

    abstract List<Mutator.Seed> seeds();

    private static final ThreadLocal<Path> SCRATCH = new ThreadLocal<>();

    /** A file of this thread's own (in memory where /dev/shm is), rewritten for each input, removed at exit. */
    static Path scratchFile() throws IOException {
        Path p = SCRATCH.get();
        if (p == null) {
            Path shm = Path.of("/dev/shm");
            p = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempFile(shm, "bpf4j-fuzz", ".o")
                    : Files.createTempFile("bpf4j-fuzz", ".o");
            p.toFile().deleteOnExit();
            SCRATCH.set(p);
        }
        return p;
    }

    abstract void run(byte[] input, Object context);

    /** The target's name in file names and on the command line: {@code object}, {@code c-dump}. */
    String id() {
        return name().toLowerCase().replace('_', '-');
    }

    static FuzzTarget byId(String id) {
        for (FuzzTarget t : values()) if (t.id().equals(id)) return t;
        throw new IllegalArgumentException("unknown fuzz target '" + id + "' (known: object, btf, btf-ext, elf, c-dump)");
    }

    private static List<Mutator.Seed> btfSeeds() {
        List<Mutator.Seed> out = new ArrayList<>();
        for (String n : seedNames("btf")) {
            ElfFile elf = ElfFile.parse(ElfEdit.fixture(n), n);
            Section b = elf.section(".BTF");
            if (b == null) continue;
            byte[] raw = elf.bytes(b);
            out.add(Mutator.Seed.of(n + ":.BTF", raw, Mutator.btfSites(raw)));
        }
        return out;
    }

    /** The fixtures of one group of {@code /fuzz/seeds.txt} (lines {@code GROUP FIXTURE}). */
    static List<String> seedNames(String group) {
        try (InputStream in = FuzzTarget.class.getResourceAsStream("/fuzz/seeds.txt")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] f = l.split("\\s+");
                if (f[0].equals(group)) out.add(f[1]);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
