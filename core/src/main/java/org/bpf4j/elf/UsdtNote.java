package org.bpf4j.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.ObjectFileException;

/**
 * A USDT probe (SystemTap SDT, {@code <sys/sdt.h>} {@code DTRACE_PROBE}) as the note that
 * {@code .note.stapsdt} holds for it: the probe's address, the link-time address of
 * {@code .stapsdt.base}, its semaphore's address (0 without one), provider, name and the
 * argument specification ({@code "-4@%eax 8@-16(%rbp)"}, "" without arguments).
 *
 * @param provider the probe's provider, such as {@code hotspot}
 * @param name the probe's name, such as {@code thread__start}
 * @param address the probe's address as the note records it (the link-time address)
 * @param base the link-time address of {@code .stapsdt.base} the note records, 0 if none
 * @param semaphore the semaphore's address, 0 without one
 * @param args the argument specification, "" without arguments
 * @param absoluteAddress {@code address} corrected for prelinking: plus the difference of
 *                   {@code .stapsdt.base}'s actual address and {@code base}
 * @param fileOffset the probe's file offset: its address, corrected for prelinking by the
 *                   difference of {@code .stapsdt.base}'s address and {@code base}, through the
 *                   executable {@code PT_LOAD} segment that holds it, as libbpf computes it
 * @param semaphoreOffset the semaphore's file offset (through its non-executable segment), or 0
 */
public record UsdtNote(String provider, String name, long address, long base, long semaphore, String args,
                       long absoluteAddress, long fileOffset, long semaphoreOffset) {

    /** The name of the section that holds the USDT notes. */
    public static final String SECTION = ".note.stapsdt";
    private static final int NT_STAPSDT = 3;

    /**
     * Every USDT note of {@code elf}, in file order.
     *
     * @param elf the executable or shared library
     * @return the notes; an empty list without {@code .note.stapsdt}
     * @throws ObjectFileException if a note is malformed or a probe or semaphore lies in no suitable loaded segment
     */
    public static List<UsdtNote> all(ElfFile elf) {
        List<UsdtNote> out = new ArrayList<>();
        Section notes = elf.section(SECTION);
        if (notes == null) return out;
        if (notes.type() != Section.SHT_NOTE) throw bad(elf, "is not a note section (type " + notes.type() + ")");
        Section baseSec = elf.section(".stapsdt.base");
        long baseAddr = baseSec == null ? 0 : baseSec.addr();
        byte[] d = elf.bytes(notes);
        int p = 0;
        while (p + 12 <= d.length) {
            int namesz = u32(d, p), descsz = u32(d, p + 4), type = u32(d, p + 8);
            int nameOff = p + 12;
            // namesz and descsz are u32: over 2 GB, or past the section, the note cannot be whole
            if (namesz < 0 || descsz < 0 || nameOff + ((namesz + 3L) & ~3L) + descsz > d.length) {
                throw bad(elf, "note at " + p + " is truncated");
            }
            int descOff = nameOff + align4(namesz);
            p = descOff + align4(descsz);
            String owner = cString(d, nameOff, nameOff + namesz);
            if (!owner.equals("stapsdt") || type != NT_STAPSDT) continue;
            if (descsz < 24 + 3) throw bad(elf, "note at " + (nameOff - 12) + " is too short for a USDT probe");
            long loc = u64(d, descOff), base = u64(d, descOff + 8), sema = u64(d, descOff + 16);
            int end = descOff + descsz, s = descOff + 24;
            int providerEnd = indexOf0(d, s, end);
            int nameStart = providerEnd + 1;
            int nameEnd = providerEnd < 0 ? -1 : indexOf0(d, nameStart, end);
            if (nameEnd <= nameStart) throw bad(elf, "note at " + (nameOff - 12) + " has no probe name");
            int argsEnd = indexOf0(d, nameEnd + 1, end);
            if (argsEnd < 0) throw bad(elf, "note at " + (nameOff - 12) + " has no argument string");
            String provider = new String(d, s, providerEnd - s, StandardCharsets.UTF_8);
            String name = new String(d, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
            String args = new String(d, nameEnd + 1, argsEnd - nameEnd - 1, StandardCharsets.UTF_8);
            if (args.startsWith(":")) args = "";
            long abs = loc;
            if (baseAddr != 0 && base != 0) abs += baseAddr - base;
            ProgramHeader seg = segment(elf, abs);
            String what = provider + ":" + name;
            if (seg == null) throw bad(elf, "USDT " + what + " at 0x" + Long.toHexString(abs) + " lies in no loaded segment");
            if ((seg.flags() & ProgramHeader.PF_X) == 0) {
                throw bad(elf, "USDT " + what + " at 0x" + Long.toHexString(abs) + " lies in a segment that is not executable");
            }
            long fileOffset = abs - seg.vaddr() + seg.offset();
            long semaOffset = 0;
            if (sema != 0) {
                ProgramHeader ss = segment(elf, sema);
                if (ss == null || (ss.flags() & ProgramHeader.PF_X) != 0) {
                    throw bad(elf, "the semaphore of USDT " + what + " at 0x" + Long.toHexString(sema)
                            + " lies in no loaded data segment");
                }
                semaOffset = sema - ss.vaddr() + ss.offset();
            }
            out.add(new UsdtNote(provider, name, loc, base, sema, args, abs, fileOffset, semaOffset));
        }
        return out;
    }

    /** The {@code PT_LOAD} segment whose [vaddr, vaddr + memsz) holds {@code addr}, as libbpf's find_elf_seg. */
    private static ProgramHeader segment(ElfFile elf, long addr) {
        for (ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() != ProgramHeader.PT_LOAD) continue;
            if (Long.compareUnsigned(addr, ph.vaddr()) >= 0 && Long.compareUnsigned(addr - ph.vaddr(), ph.memSize()) < 0) {
                return ph;
            }
        }
        return null;
    }

    private static ObjectFileException bad(ElfFile elf, String problem) {
        return new ObjectFileException(elf.origin(), SECTION, problem);
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static int indexOf0(byte[] d, int from, int to) {
        for (int i = from; i < to; i++) if (d[i] == 0) return i;
        return -1;
    }

    private static String cString(byte[] d, int from, int to) {
        int e = indexOf0(d, from, to);
        return new String(d, from, (e < 0 ? to : e) - from, StandardCharsets.UTF_8);
    }

    private static int u32(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24;
    }

    private static long u64(byte[] d, int p) {
        return (u32(d, p) & 0xffffffffL) | (long) u32(d, p + 4) << 32;
    }
}
