package org.bpf4j.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Symbol;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The symbolizers against references: kernel addresses against /proc/kallsyms itself (sorted
 * here on its own), libc's against llvm-symbolizer, 1000 random addresses each; and the perf
 * map and kallsyms parsers on small files.
 */
class SymbolizerTest {
    @TempDir
    Path dir;

    @Test
    void kallsymsFormatWithModules() throws Exception {
        Path f = dir.resolve("kallsyms");
        Files.writeString(f, """
                ffffffff81000000 T _text
                ffffffff81000100 T start_kernel
                ffffffff81000100 t alias_of_start
                ffffffffc0001000 t ext4_fill_super\t[ext4]
                ffffffff81000200 T next_fn
                """);
        KernelSymbols k = KernelSymbols.load(f);
        assertEquals(5, k.size());
        assertEquals(new Frame("start_kernel", 0x10, null), k.resolve(0xffffffff81000110L));
        assertEquals(new Frame("next_fn", 0, null), k.resolve(0xffffffff81000200L));
        assertEquals(new Frame("ext4_fill_super", 0x20, "ext4"), k.resolve(0xffffffffc0001020L));
        assertNull(k.resolve(0xffffffff80000000L));
        assertEquals("ext4_fill_super+0x20 [ext4]", k.resolve(0xffffffffc0001020L).toString());
    }

    @Test
    void perfMapIsReadAgainWhenItGrows() throws Exception {
        Path f = dir.resolve("perf-1.map");
        Files.writeString(f, "7f0000001000 100 Interpreter\n");
        PerfMap m = new PerfMap(f);
        assertEquals("Interpreter", m.resolve(0x7f0000001010L).name());
        assertNull(m.resolve(0x7f0000002010L));
        Files.writeString(f, "0x7f0000002000 0x40 long Hot.spin(long)\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(new Frame("long Hot.spin(long)", 0x10, "[perf-map]"), m.resolve(0x7f0000002010L));
        assertNull(m.resolve(0x7f0000002040L), "past the method's size");
    }

    @Test
    void kernelAgreesWithKallsyms() throws Exception {
        KernelTests.require(KernelTests.isRoot(), "reading kernel addresses in /proc/kallsyms needs root");
        List<long[]> addrs = new ArrayList<>();
        Map<Long, Set<String>> names = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"))) {
            String[] f = line.split("\\s+");
            long a = Long.parseUnsignedLong(f[0], 16);
            if (a == 0) continue;
            names.computeIfAbsent(a, x -> new HashSet<>()).add(f[2]);
        }
        List<Long> starts = new ArrayList<>(names.keySet());
        starts.sort(Long::compareUnsigned);
        KernelSymbols k = KernelSymbols.load();
        Random rnd = new Random(18);
        for (int n = 0; n < 1000; n++) {
            int i = rnd.nextInt(starts.size() - 1);
            long start = starts.get(i), span = starts.get(i + 1) - start;
            long addr = start + (span <= 1 ? 0 : Math.floorMod(rnd.nextLong(), Math.min(span, 1 << 16)));
            Frame f = k.resolve(addr);
            assertNotNull(f, Long.toHexString(addr));
            assertTrue(names.get(start).contains(f.name()), Long.toHexString(addr) + ": " + f + " not in " + names.get(start));
            assertEquals(addr - start, f.offset());
            addrs.add(new long[] {addr});
        }
        assertEquals(1000, addrs.size());
    }

    @Test
    void libcAgreesWithLlvmSymbolizer() throws Exception {
        Path libc = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
        Path symbolizer = Path.of("/usr/bin/llvm-symbolizer-19");
        KernelTests.require(Files.isRegularFile(libc) && Files.isExecutable(symbolizer),
                "the test compares with llvm-symbolizer-19 (package llvm-19) on libc.so.6");
        ElfFile elf = ElfFile.read(libc);
        List<Symbol> funcs = new ArrayList<>();
        Map<String, Set<Long>> starts = new HashMap<>();
        List<Symbol> table = elf.symbols().isEmpty() ? elf.dynamicSymbols() : elf.symbols();
        for (Symbol s : table) {
            if (s.type() != Symbol.STT_FUNC || s.size() == 0 || s.sectionIndex() == Symbol.SHN_UNDEF) continue;
            funcs.add(s);
            starts.computeIfAbsent(s.name(), x -> new HashSet<>()).add(s.value());
        }
        ElfSymbols ours = ElfSymbols.read(libc, libc.toString());
        Random rnd = new Random(18);
        long[] addrs = new long[1000];
        for (int i = 0; i < addrs.length; i++) {
            Symbol s = funcs.get(rnd.nextInt(funcs.size()));
            addrs[i] = s.value() + Math.floorMod(rnd.nextLong(), s.size());
        }
        Process p = new ProcessBuilder(symbolizer.toString(), "--obj=" + libc, "--functions=linkage", "--no-inlines")
                .redirectErrorStream(true).start();
        try (Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (long a : addrs) w.write("0x" + Long.toHexString(a) + "\n");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int agreed = 0;
        for (long a : addrs) {
            String name = r.readLine();
            r.readLine(); // file:line
            r.readLine(); // blank
            Frame f = ours.resolve(a);
            assertNotNull(f, "0x" + Long.toHexString(a) + " (llvm-symbolizer: " + name + ")");
            // an alias of the same start (__GI_memcpy, memcpy) is the same answer
            long ourStart = a - f.offset();
            assertTrue(f.name().equals(name) || starts.getOrDefault(name, Set.of()).contains(ourStart),
                    "0x" + Long.toHexString(a) + ": ours " + f + ", llvm-symbolizer " + name);
            agreed++;
        }
        assertEquals(0, p.waitFor());
        assertEquals(1000, agreed);
    }
}
