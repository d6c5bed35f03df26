package org.bpf4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small x86-64 shared object written here, with two USDT notes in {@code .note.stapsdt} (one
 * with a semaphore), {@code .stapsdt.base}, a code and a data segment: the seed of the ELF
 * target's note reader (no fixture of the repo has USDT notes but libjvm.so, 20 MB).
 */
final class UsdtElf {
    private UsdtElf() {
    }

    static final long TEXT = 0x1000, BASE = 0x1800, DATA = 0x3000;

    static byte[] build() {
        byte[] notes = cat(note(TEXT + 0x10, BASE, 0, "demo", "start", "-4@%edi 8@%rsi"),
                note(TEXT + 0x20, BASE, DATA + 8, "demo", "stop", "-4@$5"));
        byte[] shstr = "\0.text\0.stapsdt.base\0.note.stapsdt\0.data\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        int textOff = 0x1000, textSize = 0x900, dataOff = 0x2000, dataSize = 0x10;
        int notesOff = dataOff + dataSize, shstrOff = notesOff + notes.length;
        int shoff = (shstrOff + shstr.length + 7) & ~7;
        int shnum = 6;
        byte[] f = new byte[shoff + 64 * shnum];
        // ELF header
        f[0] = 0x7f; f[1] = 'E'; f[2] = 'L'; f[3] = 'F'; f[4] = 2; f[5] = 1; f[6] = 1;
        ElfEdit.putU16(f, 16, 3);       // ET_DYN
        ElfEdit.putU16(f, 18, 62);      // EM_X86_64
        ElfEdit.putU32(f, 20, 1);
        ElfEdit.putU64(f, 32, 64);      // e_phoff
        ElfEdit.putU64(f, 40, shoff);
        ElfEdit.putU16(f, 52, 64);
        ElfEdit.putU16(f, 54, 56);
        ElfEdit.putU16(f, 56, 2);
        ElfEdit.putU16(f, 58, 64);
        ElfEdit.putU16(f, 60, shnum);
        ElfEdit.putU16(f, 62, 5);
        phdr(f, 64, 5, textOff, TEXT, textSize);                 // PT_LOAD R+X
        phdr(f, 64 + 56, 6, dataOff, DATA, dataSize);            // PT_LOAD R+W
        for (int i = textOff; i < textOff + textSize; i++) f[i] = (byte) 0x90;
        System.arraycopy(notes, 0, f, notesOff, notes.length);
        System.arraycopy(shstr, 0, f, shstrOff, shstr.length);
        shdr(f, shoff, 1, 1, 1, 6, TEXT, textOff, textSize);                 // .text
        shdr(f, shoff, 2, 7, 1, 2, BASE, textOff + (int) (BASE - TEXT), 1);  // .stapsdt.base
        shdr(f, shoff, 3, 21, 7, 0, 0, notesOff, notes.length);              // .note.stapsdt
        shdr(f, shoff, 4, 35, 1, 3, DATA, dataOff, dataSize);                // .data
        shdr(f, shoff, 5, 41, 3, 0, 0, shstrOff, shstr.length);              // .shstrtab
        return f;
    }

    private static void phdr(byte[] f, int p, int flags, long off, long vaddr, long size) {
        ElfEdit.putU32(f, p, 1);
        ElfEdit.putU32(f, p + 4, flags);
        ElfEdit.putU64(f, p + 8, off);
        ElfEdit.putU64(f, p + 16, vaddr);
        ElfEdit.putU64(f, p + 24, vaddr);
        ElfEdit.putU64(f, p + 32, size);
        ElfEdit.putU64(f, p + 40, size);
        ElfEdit.putU64(f, p + 48, 0x1000);
    }

    private static void shdr(byte[] f, int shoff, int i, int name, int type, long flags, long addr, long off, long size) {
        int p = shoff + 64 * i;
        ElfEdit.putU32(f, p, name);
        ElfEdit.putU32(f, p + 4, type);
        ElfEdit.putU64(f, p + 8, flags);
        ElfEdit.putU64(f, p + 16, addr);
        ElfEdit.putU64(f, p + 24, off);
        ElfEdit.putU64(f, p + 32, size);
        ElfEdit.putU64(f, p + 48, 1);
    }

    private static byte[] note(long loc, long base, long sema, String provider, String name, String args) {
        byte[] strs = (provider + "\0" + name + "\0" + args + "\0").getBytes(StandardCharsets.US_ASCII);
        int descsz = 24 + strs.length;
        byte[] n = new byte[12 + 8 + ((descsz + 3) & ~3)];
        ElfEdit.putU32(n, 0, 8);
        ElfEdit.putU32(n, 4, descsz);
        ElfEdit.putU32(n, 8, 3);
        System.arraycopy("stapsdt\0".getBytes(StandardCharsets.US_ASCII), 0, n, 12, 8);
        ElfEdit.putU64(n, 20, loc);
        ElfEdit.putU64(n, 28, base);
        ElfEdit.putU64(n, 36, sema);
        System.arraycopy(strs, 0, n, 44, strs.length);
        return n;
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
