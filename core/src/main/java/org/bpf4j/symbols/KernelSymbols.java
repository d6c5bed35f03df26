package org.bpf4j.symbols;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;

/**
 * Kernel addresses named from {@code /proc/kallsyms}: the symbol with the greatest address not
 * above the one asked, its offset, and its module ({@code [ext4]}), null for the kernel image.
 * Reading kallsyms needs root (or {@code kptr_restrict} 0): otherwise every address reads 0, and
 * {@link #load()} says so.
 */
public final class KernelSymbols {
    private static volatile KernelSymbols system;

    private final SymbolTable table;

    private KernelSymbols(SymbolTable table) {
        this.table = table;
    }

    /**
     * The running kernel's symbols, read once and shared.
     *
     * @return the symbols; later calls return the same instance
     * @throws BpfException if {@code /proc/kallsyms} cannot be read or shows only zero addresses
     */
    public static KernelSymbols system() {
        KernelSymbols k = system;
        if (k == null) {
            synchronized (KernelSymbols.class) {
                if ((k = system) == null) system = k = load(Path.of("/proc/kallsyms"));
            }
        }
        return k;
    }

    /**
     * Reads {@code /proc/kallsyms} again.
     *
     * @return the symbols, as the kernel shows them now
     * @throws BpfException if the file cannot be read or shows only zero addresses
     */
    public static KernelSymbols load() {
        return load(Path.of("/proc/kallsyms"));
    }

    /**
     * Reads a file in the format of {@code /proc/kallsyms} ({@code ADDR TYPE NAME [\tMODULE]}).
     *
     * @param file the file to read
     * @return the symbols
     * @throws BpfException if the file cannot be read or shows only zero addresses (no privilege)
     */
    public static KernelSymbols load(Path file) {
        SymbolTable.Builder b = new SymbolTable.Builder();
        boolean anyAddress = false;
        int lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line; (line = r.readLine()) != null; ) {
                lines++;
                int sp1 = line.indexOf(' ');
                int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
                if (sp2 < 0) continue;
                long addr = Long.parseUnsignedLong(line, 0, sp1, 16);
                if (addr == 0) continue;
                anyAddress = true;
                int tab = line.indexOf('\t', sp2 + 1);
                String name = tab < 0 ? line.substring(sp2 + 1) : line.substring(sp2 + 1, tab);
                String module = null;
                if (tab >= 0) {
                    int open = line.indexOf('[', tab), close = line.lastIndexOf(']');
                    if (open >= 0 && close > open) module = line.substring(open + 1, close);
                }
                b.add(addr, 0, module == null ? name : name + '\t' + module);
            }
        } catch (IOException | NumberFormatException e) {
            throw new BpfException(file + ": cannot read kernel symbols: " + e.getMessage(), e);
        }
        if (lines > 0 && !anyAddress) {
            throw new BpfException(file + ": every address reads 0: reading kernel symbols needs root (or sysctl kernel.kptr_restrict=0)");
        }
        return new KernelSymbols(b.build());
    }

    /**
     * How many symbols.
     *
     * @return the number of symbols
     */
    public int size() {
        return table.size();
    }

    /**
     * The symbol holding kernel address {@code addr}, or null below the first one.
     *
     * @param addr a kernel address
     * @return the frame (module: the kernel module's name, or null), or null
     */
    public Frame resolve(long addr) {
        int i = table.find(addr);
        if (i < 0) return null;
        String n = table.name(i);
        int tab = n.indexOf('\t');
        return tab < 0 ? new Frame(n, addr - table.start(i), null)
                : new Frame(n.substring(0, tab), addr - table.start(i), n.substring(tab + 1));
    }
}
