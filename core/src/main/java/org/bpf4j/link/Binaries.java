package org.bpf4j.link;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.elf.LdSoCache;

/**
 * Finds the file a uprobe target names, the way libbpf and BCC do:
 * <ul>
 * <li>a name with a {@code /} is a path, used as given;</li>
 * <li>a library file name ({@code libc.so.6}, {@code libssl.so}) is looked up in
 * {@code LD_LIBRARY_PATH}, the dynamic linker's cache {@code /etc/ld.so.cache}, and the usual
 * library directories;</li>
 * <li>any other name is an executable on {@code PATH} ({@code bash}) or, if there is none, a
 * short library name as BCC takes it: {@code c} is {@code libc.so.6}, {@code ssl} is
 * {@code libssl.so.3}, through the cache and then the library directories.</li>
 * </ul>
 */
public final class Binaries {
    private Binaries() {}

    private static volatile LdSoCache cache;

    private static LdSoCache cache() {
        LdSoCache c = cache;
        if (c == null) cache = c = LdSoCache.system();
        return c;
    }

    /** The library directories searched after the cache, for this machine's architecture. */
    static List<String> libraryDirs() {
        String triple = System.getProperty("os.arch").equals("aarch64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        return List.of("/lib/" + triple, "/usr/lib/" + triple, "/lib64", "/usr/lib64", "/lib", "/usr/lib");
    }

    /**
     * The file {@code name} means.
     *
     * @param name a path, a library file name, an executable on {@code PATH} or a short library name
     *     ({@code c}), as the class comment says
     * @return the file's path
     * @throws BpfException naming what was searched when nothing matches
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public static Path resolve(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty binary name");
        if (name.indexOf('/') >= 0) {
            Path p = Path.of(name);
            if (!Files.exists(p)) throw new BpfException("uprobe target " + name + " does not exist");
            return p;
        }
        boolean library = name.endsWith(".so") || name.contains(".so.");
        List<String> searched = new ArrayList<>();
        if (library) {
            Path p = findLibrary(name, searched);
            if (p != null) return p;
        } else {
            Path p = onPath(name, searched);
            if (p != null) return p;
            String cached = cache().findShort(name);
            searched.add("/etc/ld.so.cache (lib" + name + ".so*)");
            if (cached != null && Files.exists(Path.of(cached))) return Path.of(cached);
            for (String dir : libraryDirs()) {
                Path d = Path.of(dir);
                if (!Files.isDirectory(d)) continue;
                searched.add(dir + "/lib" + name + ".so*");
                Path exact = d.resolve("lib" + name + ".so");
                if (Files.exists(exact)) return exact;
                try (var s = Files.list(d)) {
                    Path found = s.filter(f -> f.getFileName().toString().startsWith("lib" + name + ".so."))
                            .sorted().findFirst().orElse(null);
                    if (found != null) return found;
                } catch (java.io.IOException e) {
                    // unreadable directory: keep searching
                }
            }
        }
        throw new BpfException("cannot find uprobe target '" + name + "'; searched " + String.join(", ", searched));
    }

    private static Path findLibrary(String name, List<String> searched) {
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String dir : ld.split(":")) {
                if (dir.isEmpty()) continue;
                searched.add(dir);
                Path p = Path.of(dir, name);
                if (Files.isReadable(p)) return p;
            }
        }
        searched.add("/etc/ld.so.cache");
        String cached = cache().find(name);
        if (cached != null && Files.exists(Path.of(cached))) return Path.of(cached);
        for (String dir : libraryDirs()) {
            searched.add(dir);
            Path p = Path.of(dir, name);
            if (Files.isReadable(p)) return p;
        }
        return null;
    }

    private static Path onPath(String name, List<String> searched) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        if (path != null) for (String d : path.split(":")) if (!d.isEmpty()) dirs.add(d);
        dirs.add("/usr/bin");
        dirs.add("/usr/sbin");
        for (String dir : dirs) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        searched.add("PATH");
        return null;
    }
}
