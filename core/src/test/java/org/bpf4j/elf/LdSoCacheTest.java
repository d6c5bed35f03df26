package org.bpf4j.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.ObjectFileException;
import org.bpf4j.testing.Cmd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The ld.so cache reader against `ldconfig -p`, and on hand-made caches of both formats. */
class LdSoCacheTest {
    @Test
    void systemCacheMatchesLdconfig() {
        Assumptions.assumeTrue(Files.exists(Path.of("/etc/ld.so.cache")) && Cmd.available("ldconfig")
                || Files.exists(Path.of("/sbin/ldconfig")), "needs /etc/ld.so.cache and ldconfig");
        String ldconfig = Cmd.available("ldconfig") ? "ldconfig" : "/sbin/ldconfig";
        String out = Cmd.check(ldconfig, "-p");
        List<String> want = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.startsWith("\t")) continue;
            String name = l.substring(1, l.indexOf(" ("));
            String path = l.substring(l.indexOf(" => ") + 4);
            want.add(name + " => " + path + (l.contains("(libc6,x86-64") || l.contains("(libc6,AArch64") ? " (ours)" : ""));
        }
        List<String> got = new ArrayList<>();
        for (LdSoCache.Entry e : LdSoCache.system().entries()) {
            got.add(e.name() + " => " + e.path() + (e.forThisMachine() ? " (ours)" : ""));
        }
        assertEquals(want, got);
        String libc = LdSoCache.system().find("libc.so.6");
        assertTrue(libc != null && libc.endsWith("/libc.so.6"), String.valueOf(libc));
        assertEquals(libc, LdSoCache.system().findShort("c"));
    }

    /** A cache of the new format at {@code base} of a buffer holding {@code entries} (name, path, flags). */
    static byte[] newFormat(Object[][] entries, int base, byte[] prefix) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(prefix);
        b.position(base);
        b.put("glibc-ld.so.cache1.1".getBytes(StandardCharsets.US_ASCII));
        b.putInt(entries.length).putInt(0).put((byte) 2).put(new byte[3]).putInt(0).put(new byte[12]);
        int strings = 48 + 24 * entries.length;
        int at = strings;
        ByteBuffer s = ByteBuffer.allocate(2048);
        for (Object[] e : entries) {
            b.putInt((Integer) e[2]).putInt(at);
            s.put(((String) e[0]).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
            at += ((String) e[0]).length() + 1;
            b.putInt(at).putInt(0).putLong(0);
            s.put(((String) e[1]).getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
            at += ((String) e[1]).length() + 1;
        }
        b.position(base + strings);
        b.put(s.array(), 0, s.position());
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void handMadeCaches() {
        int ours = LdSoCache.FLAG_ELF_LIBC6 | LdSoCache.machineFlag();
        Object[][] entries = {
            {"libfoo.so.2", "/opt/x/libfoo.so.2", 0x0003}, // libc6, no architecture: not ours
            {"libfoo.so.1", "/opt/lib/libfoo.so.1", ours},
            {"libfoobar.so.1", "/opt/lib/libfoobar.so.1", ours},
        };
        LdSoCache c = LdSoCache.parse(newFormat(entries, 0, new byte[0]), "new");
        assertEquals(3, c.entries().size());
        assertEquals("/opt/lib/libfoo.so.1", c.findShort("foo"), "the other architecture's entry is skipped");
        assertEquals("/opt/lib/libfoobar.so.1", c.findShort("foobar"));
        assertNull(c.find("libfoo.so.2"));
        assertNull(c.findShort("fo"));

        // the old format first (11-byte magic, count, 12-byte entries), the new one after it, aligned to 8
        ByteBuffer old = ByteBuffer.allocate(16 + 12).order(ByteOrder.LITTLE_ENDIAN);
        old.put("ld.so-1.7.0".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).putInt(1).putInt(1).putInt(0).putInt(0);
        LdSoCache both = LdSoCache.parse(newFormat(entries, 32, old.array()), "both");
        assertEquals(c.entries(), both.entries(), "string offsets count from the new header");

        var e = assertThrows(ObjectFileException.class, () -> LdSoCache.parse("not a cache at all, really".getBytes(), "x"));
        assertTrue(e.getMessage().contains("not an ld.so cache"), e.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(newFormat(entries, 0, new byte[0]), 100);
        var e2 = assertThrows(ObjectFileException.class, () -> LdSoCache.parse(truncated, "t"));
        assertTrue(e2.getMessage().contains("claims 3 entries"), e2.getMessage());
    }
}
