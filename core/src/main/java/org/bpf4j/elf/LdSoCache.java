package org.bpf4j.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.ObjectFileException;

/**
 * The dynamic linker's cache, {@code /etc/ld.so.cache} (what {@code ldconfig -p} prints): library
 * names ({@code libc.so.6}) and the files they resolve to. Pure parsing.
 *
 * <p>Reads glibc's format {@code glibc-ld.so.cache1.1}, alone or after the old
 * {@code ld.so-1.7.0} table. An entry's flags say its kind and architecture: {@code 0x0303} is an
 * x86-64 libc6 library, {@code 0x0a03} an AArch64 one.
 */
public final class LdSoCache {
    private static final String OLD_MAGIC = "ld.so-1.7.0";
    private static final String NEW_MAGIC = "glibc-ld.so.cache1.1";
    private static final int NEW_HEADER = 48, NEW_ENTRY = 24, OLD_ENTRY = 12;

    /** {@code FLAG_ELF_LIBC6}, with the architecture bits of x86-64 and AArch64. */
    public static final int FLAG_ELF_LIBC6 = 0x0003, FLAG_X8664_LIB64 = 0x0300, FLAG_AARCH64_LIB64 = 0x0a00;

    /**
     * One library: its name (the key ld.so looks up), its path, and its flags.
     *
     * @param name the library's name, such as {@code libc.so.6}
     * @param path the file it resolves to, such as {@code /lib/x86_64-linux-gnu/libc.so.6}
     * @param flags its kind and architecture, such as {@code 0x0303} ({@link #FLAG_ELF_LIBC6} | {@link
     * #FLAG_X8664_LIB64})
     */
    public record Entry(String name, String path, int flags) {
        /** {@return whether this is a libc6 library for the architecture the JVM runs on} */
        public boolean forThisMachine() {
            return (flags & 0xff) == FLAG_ELF_LIBC6 && (flags & 0xff00) == machineFlag();
        }
    }

    private final List<Entry> entries;

    private LdSoCache(List<Entry> entries) {
        this.entries = entries;
    }

    /** {@return the libraries in cache order (ldconfig sorts them, most specific first)} */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * Reads {@code /etc/ld.so.cache}.
     *
     * @return the system's cache; an empty cache when the file does not exist
     * @throws ObjectFileException if the file exists but cannot be read or is malformed
     */
    public static LdSoCache system() {
        Path p = Path.of("/etc/ld.so.cache");
        if (!Files.exists(p)) return new LdSoCache(List.of());
        return read(p);
    }

    /**
     * Reads and parses a cache file.
     *
     * @param p the file, such as {@code /etc/ld.so.cache}
     * @return the parsed cache; empty if the file has only the old {@code ld.so-1.7.0} format
     * @throws ObjectFileException naming the file if it cannot be read or is malformed
     */
    public static LdSoCache read(Path p) {
        try {
            return parse(Files.readAllBytes(p), p.toString());
        } catch (IOException e) {
            throw new ObjectFileException(p.toString(), null, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the bytes of a cache file.
     *
     * @param d the whole file
     * @param origin the file name to use in error messages
     * @return the parsed cache; empty if it has only the old {@code ld.so-1.7.0} format
     * @throws ObjectFileException if the data is not a well-formed cache
     */
    public static LdSoCache parse(byte[] d, String origin) {
        int base = 0;
        if (startsWith(d, 0, OLD_MAGIC)) {
            if (d.length < 16) throw new ObjectFileException(origin, null, "truncated ld.so cache header");
            long n = u32(d, 12);
            long end = 16 + n * OLD_ENTRY;
            base = (int) ((end + 7) & ~7L); // the new format follows, aligned
            if (base > d.length) throw new ObjectFileException(origin, null, "truncated old-format ld.so cache");
            if (!startsWith(d, base, NEW_MAGIC)) return new LdSoCache(List.of()); // old format only: not supported
        } else if (!startsWith(d, 0, NEW_MAGIC)) {
            throw new ObjectFileException(origin, null, "not an ld.so cache (no " + NEW_MAGIC + " magic)");
        }
        if (d.length - base < NEW_HEADER) throw new ObjectFileException(origin, null, "truncated ld.so cache header");
        long n = u32(d, base + 20);
        if (n > (d.length - base - NEW_HEADER) / NEW_ENTRY) {
            throw new ObjectFileException(origin, null, "ld.so cache claims " + n + " entries; the file holds "
                    + (d.length - base - NEW_HEADER) / NEW_ENTRY);
        }
        List<Entry> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            int e = base + NEW_HEADER + i * NEW_ENTRY;
            int flags = (int) u32(d, e);
            String key = string(d, base + u32(d, e + 4), origin);
            String value = string(d, base + u32(d, e + 8), origin);
            out.add(new Entry(key, value, flags));
        }
        return new LdSoCache(List.copyOf(out));
    }

    /**
     * The path of the first library for this machine whose name is {@code name} exactly.
     *
     * @param name the library's name, such as {@code libc.so.6}
     * @return its path, or null if the cache has none for this machine
     */
    public String find(String name) {
        for (Entry e : entries) if (e.forThisMachine() && e.name().equals(name)) return e.path();
        return null;
    }

    /**
     * The path of the library a short name means, as BCC resolves {@code "c"}: the first library for this machine named
     * {@code lib<name>.so} followed by nothing or a version ({@code libc.so.6}).
     *
     * @param name the short name, such as {@code c} or {@code pthread}
     * @return its path, or null if the cache has none for this machine
     */
    public String findShort(String name) {
        String prefix = "lib" + name + ".so";
        for (Entry e : entries) {
            if (!e.forThisMachine()) continue;
            String n = e.name();
            if (n.equals(prefix) || n.startsWith(prefix + ".")) return e.path();
        }
        return null;
    }

    static int machineFlag() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") ? FLAG_AARCH64_LIB64 : FLAG_X8664_LIB64;
    }

    private static boolean startsWith(byte[] d, int at, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (d.length - at < m.length) return false;
        for (int i = 0; i < m.length; i++) if (d[at + i] != m[i]) return false;
        return true;
    }

    private static String string(byte[] d, long at, String origin) {
        if (at < 0 || at >= d.length) {
            throw new ObjectFileException(origin, null, "ld.so cache string offset " + at + " outside the file");
        }
        int s = (int) at, e = s;
        while (e < d.length && d[e] != 0) e++;
        return new String(d, s, e - s, StandardCharsets.UTF_8);
    }

    private static long u32(byte[] d, int p) {
        return (d[p] & 0xffL) | (d[p + 1] & 0xffL) << 8 | (d[p + 2] & 0xffL) << 16 | (d[p + 3] & 0xffL) << 24;
    }
}
