package org.bpf4j.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;

/** .note.stapsdt of the JDK's libjvm.so, compared note by note with binutils' {@code readelf -n}. No root needed. */
class UsdtNoteTest {
    static Path libjvm() {
        return Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
    }

    @Test
    void everyNoteOfLibjvmAsReadelfShowsIt() {
        KernelTests.require(Cmd.available("readelf"), "readelf (binutils) is needed as the oracle");
        KernelTests.require(Files.exists(libjvm()), "the JDK has no " + libjvm());
        List<String> expected = new ArrayList<>();
        String provider = null, name = null, location = null;
        for (String line : Cmd.check("readelf", "-n", libjvm().toString()).split("\n")) {
            String l = line.strip();
            if (l.startsWith("Provider: ")) provider = l.substring(10);
            else if (l.startsWith("Name: ")) name = l.substring(6);
            else if (l.startsWith("Location: ")) location = l;
            else if (l.startsWith("Arguments:")) {
                expected.add(provider + ":" + name + " " + location + " [" + l.substring(10).strip() + "]");
            }
        }
        List<String> actual = new ArrayList<>();
        ElfFile elf = ElfFile.read(libjvm());
        for (UsdtNote n : UsdtNote.all(elf)) {
            actual.add(n.provider() + ":" + n.name() + String.format(" Location: 0x%016x, Base: 0x%016x, Semaphore: 0x%016x",
                    n.address(), n.base(), n.semaphore()) + " [" + n.args() + "]");
            // a shared library without prelinking: the address is in an executable segment, and so is the file offset
            assertEquals(SymbolOffsets.fileOffset(elf, n.absoluteAddress()), n.fileOffset());
        }
        assertTrue(expected.size() > 500, "Temurin's libjvm.so has hundreds of hotspot probes: " + expected.size());
        assertEquals(expected, actual);
    }

    @Test
    void aFileWithoutNotesHasNone() {
        assertTrue(UsdtNote.all(ElfFile.read(KernelTests.fixture("elf_host.so"))).isEmpty());
    }
}
