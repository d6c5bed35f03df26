package org.bpf4j.bcc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.bpf4j.BpfException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;

/**
 * BCC's workflow: C source in BCC's dialect compiled when the program runs, as
 * {@code BPF(src_file="program.c")} does, but with clang against a {@code vmlinux.h} generated from
 * the kernel's BTF, so the object is CO-RE and loaded by bpf4j's own loader.
 *
 * <pre>{@code
 * try (BccProgram b = Bcc.load(Path.of("program.c"))) {
 *     var counts = b.table("counts");
 *     ...
 * }
 * }</pre>
 *
 * The source goes through {@link Rewriter} (BCC's map methods, auto-attached function names,
 * {@code TRACEPOINT_PROBE}), after a prelude that includes {@code vmlinux.h}, libbpf's
 * {@code bpf_helpers.h}, {@code bpf_tracing.h} and {@code bpf_core_read.h}, and bpf4j's
 * {@code bcc.h} (BCC's map macros as BTF-defined maps). A {@code #line} directive keeps
 * clang's messages on the user's file and lines.
 *
 * <p>{@code vmlinux.h} is generated once per kernel BTF (by its size and CRC-32C) into the cache directory:
 * {@link Options#cacheDir}, else {@code $BPF4J_CACHE_DIR}, {@code $XDG_CACHE_HOME/bpf4j},
 * {@code ~/.cache/bpf4j}.
 */
public final class Bcc {
    private Bcc() {}

    /**
     * How to compile: the clang to use (default: {@link Clang#find()}), the cache directory, the
     * kernel BTF for vmlinux.h (default: the running kernel's), extra clang arguments, and where
     * tracepoint formats come from (default: tracefs).
     *
     * @param clang the clang executable, or null for {@link Clang#find()}
     * @param cacheDir the directory for compiled objects and generated headers, or null for {@code $BPF4J_CACHE_DIR},
     *     {@code $XDG_CACHE_HOME/bpf4j} or {@code ~/.cache/bpf4j}
     * @param btf the kernel BTF file that vmlinux.h is generated from, or null for {@code /sys/kernel/btf/vmlinux}
     * @param clangArguments extra arguments to clang, such as {@code -DMAX=10}
     * @param tracepointFormat {@code (category, event) -> format text}, or null to read tracefs
     */
    public record Options(Path clang, Path cacheDir, Path btf, List<String> clangArguments,
                          BiFunction<String, String, String> tracepointFormat) {
        /** Copies {@code clangArguments}, which must not be null. */
        public Options {
            clangArguments = List.copyOf(clangArguments);
        }

        /**
         * The defaults.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(null, null, null, List.of(), null);
        }

        /**
         * A copy with another clang.
         *
         * @param p the clang executable, or null to search
         * @return the new options
         */
        public Options clang(Path p) {
            return new Options(p, cacheDir, btf, clangArguments, tracepointFormat);
        }

        /**
         * A copy with another cache directory.
         *
         * @param p the directory, or null for the default
         * @return the new options
         */
        public Options cacheDir(Path p) {
            return new Options(clang, p, btf, clangArguments, tracepointFormat);
        }

        /**
         * A copy that generates vmlinux.h from another kernel's BTF.
         *
         * @param p the BTF file, or null for the running kernel's
         * @return the new options
         */
        public Options btf(Path p) {
            return new Options(clang, cacheDir, p, clangArguments, tracepointFormat);
        }

        /**
         * A copy with other extra clang arguments.
         *
         * @param args the arguments, copied
         * @return the new options
         */
        public Options clangArguments(List<String> args) {
            return new Options(clang, cacheDir, btf, args, tracepointFormat);
        }

        /**
         * Tracepoint formats from {@code (category, event) -> format text} instead of tracefs.
         *
         * @param f the format source, or null for tracefs
         * @return the new options
         */
        public Options tracepointFormat(BiFunction<String, String, String> f) {
            return new Options(clang, cacheDir, btf, clangArguments, f);
        }
    }

    /**
     * Compiles and loads {@code file}, and attaches its auto-attached programs, like BCC's {@code BPF(src_file=...)}.
     *
     * @param file the BCC-dialect C file
     * @return the loaded program; the caller closes it
     * @throws org.bpf4j.BpfException with clang's messages if it does not compile, or if loading fails
     */
    public static BccProgram load(Path file) {
        return BccProgram.load(compile(file, Options.defaults()));
    }

    /**
     * Compiles and loads {@code source}, like BCC's {@code BPF(text=...)}.
     *
     * @param source the BCC-dialect C text
     * @return the loaded program; the caller closes it
     * @throws org.bpf4j.BpfException with clang's messages if it does not compile, or if loading fails
     */
    public static BccProgram load(String source) {
        return BccProgram.load(compile(source));
    }

    /**
     * Compiles {@code source} (named {@code bpf.c} in clang's messages) with the defaults.
     *
     * @param source the BCC-dialect C text
     * @return the object's spec, not loaded yet
     */
    public static ObjectSpec compile(String source) {
        return compile(source, "bpf.c", Options.defaults());
    }

    /**
     * Compiles {@code source} (named {@code bpf.c} in clang's messages).
     *
     * @param source the BCC-dialect C text
     * @param options how to compile
     * @return the object's spec, not loaded yet
     */
    public static ObjectSpec compile(String source, Options options) {
        return compile(source, "bpf.c", options);
    }

    /**
     * Compiles {@code file} with the defaults.
     *
     * @param file the BCC-dialect C file
     * @return the object's spec, not loaded yet
     */
    public static ObjectSpec compile(Path file) {
        return compile(file, Options.defaults());
    }

    /**
     * Compiles {@code file}.
     *
     * @param file the BCC-dialect C file
     * @param options how to compile
     * @return the object's spec, not loaded yet
     */
    public static ObjectSpec compile(Path file, Options options) {
        return compile(read(file), file.toString(), options);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BpfException(file + ": no such file");
        } catch (IOException e) {
            throw new BpfException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Compiles {@code file} and also writes the object to {@code object}, as {@code clang -c -o}
     * would: for a machine without clang, which loads it with {@link ObjectSpec#read} and
     * {@link BccProgram#load(ObjectSpec)} (the object is CO-RE: {@link Options#btf} need not be
     * that machine's kernel).
     *
     * @param file the BCC-dialect C file
     * @param options how to compile
     * @param object the object file to write
     * @return the object's spec, not loaded yet
     */
    public static ObjectSpec compile(Path file, Options options, Path object) {
        byte[] elf = compileBytes(read(file), file.toString(), options);
        ObjectSpec spec = ObjectSpec.parse(elf, file.toString());
        try {
            Path dir = object.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            Files.write(object, elf);
        } catch (IOException e) {
            throw new BpfException("cannot write " + object + ": " + e.getMessage(), e);
        }
        return spec;
    }

    /**
     * Compiles BCC-dialect {@code source}; {@code fileName} is what clang's messages and the
     * object name it (its directory, if any, is searched for the source's own headers).
     *
     * @param options how to compile
     * @param fileName the source's name, such as {@code tool.c}
     * @param source the BCC-dialect C text
     * @return the object's spec, not loaded yet
     * @throws BpfException with clang's messages (on the user's file and lines) when it fails
     */
    public static ObjectSpec compile(String source, String fileName, Options options) {
        return ObjectSpec.parse(compileBytes(source, fileName, options), fileName);
    }

    /** {@link #compile(String, String, Options)}'s object file, not yet parsed. */
    private static byte[] compileBytes(String source, String fileName, Options options) {
        Rewriter.Result r = Rewriter.rewrite(source);
        Path clang = options.clang() != null ? options.clang() : Clang.find();
        Path include = includeDir(options);
        StringBuilder tu = new StringBuilder();
        BiFunction<String, String, String> formats = options.tracepointFormat() != null ? options.tracepointFormat()
                : TracepointFormat::read;
        for (Rewriter.Tracepoint t : r.tracepoints()) {
            tu.append(TracepointFormat.struct(t.structName(), formats.apply(t.category(), t.event())));
        }
        tu.append("#line 1 \"").append(fileName.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        tu.append(r.source());

        List<String> base = new ArrayList<>(List.of(clang.toString(), "-g", "-O2", "-target", "bpf",
                "-D__TARGET_ARCH_" + Clang.targetArch(), "-I" + include));
        Path sysArch = Clang.multiarchIncludes();
        if (Files.isDirectory(sysArch)) base.add("-I" + sysArch);
        // what BCC's own compile does not warn about either
        base.addAll(List.of("-Wno-unused-value", "-Wno-pointer-sign", "-Wno-compare-distinct-pointer-types",
                "-Wno-gnu-variable-sized-type-not-at-end", "-Wno-address-of-packed-member",
                "-Wno-tautological-compare", "-Wno-unknown-warning-option", "-fno-color-diagnostics"));
        // the prelude (vmlinux.h and the headers, ~120,000 lines) precompiled once: clang then
        // reads only the user's source; not with extra arguments, which the header may not match
        boolean usePch = options.clangArguments().isEmpty();
        Path pch = usePch ? precompiledPrelude(clang, include, base, false) : null;
        Path tmp;
        try {
            tmp = Files.createTempDirectory("bpf4j-bcc");
        } catch (IOException e) {
            throw new BpfException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            String name = Path.of(fileName).getFileName().toString().replaceAll("\\.c$", "");
            Path src = tmp.resolve(name + ".bcc.c"), obj = tmp.resolve(name + ".bpf.o");
            Files.writeString(src, tu);
            Path dir = Path.of(fileName).toAbsolutePath().getParent();
            List<String> tail = new ArrayList<>();
            if (dir != null && Files.isDirectory(dir)) tail.add("-I" + dir);
            tail.addAll(options.clangArguments());
            tail.addAll(List.of("-c", src.toString(), "-o", obj.toString()));
            try {
                run(command(base, pch, include, tail), fileName);
            } catch (BpfException e) {
                // a header changed since the prelude was precompiled (libbpf-dev upgraded): once more, afresh
                if (pch == null || !e.getMessage().contains("precompiled header")) throw e;
                pch = precompiledPrelude(clang, include, base, true);
                run(command(base, pch, include, tail), fileName);
            }
            return Files.readAllBytes(obj);
        } catch (IOException e) {
            throw new BpfException("cannot compile " + fileName + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
    }

    private static final String PRELUDE = """
            #include "vmlinux.h"
            #include <bpf/bpf_helpers.h>
            #include <bpf/bpf_tracing.h>
            #include <bpf/bpf_core_read.h>
            #include "bpf4j_bcc.h"
            """;

    private static List<String> command(List<String> base, Path pch, Path include, List<String> tail) {
        List<String> cmd = new ArrayList<>(base);
        if (pch != null) cmd.addAll(List.of("-include-pch", pch.toString()));
        else cmd.addAll(List.of("-include", include.resolve("prelude.h").toString()));
        cmd.addAll(tail);
        return cmd;
    }

    /**
     * The prelude precompiled by {@code clang} (one file per clang binary, in the include
     * directory), built when missing or {@code rebuild}; null when clang cannot build it (the
     * prelude is then parsed on every compile).
     */
    private static Path precompiledPrelude(Path clang, Path include, List<String> base, boolean rebuild) {
        try {
            Path real = clang.toRealPath();
            CRC32C crc = new CRC32C();
            crc.update((real + "\0" + Files.getLastModifiedTime(real).toMillis() + "\0" + Files.size(real))
                    .getBytes(StandardCharsets.UTF_8));
            String key = String.format("%08x", crc.getValue());
            Path pch = include.resolve("prelude-" + key + ".pch");
            if (Files.exists(pch) && !rebuild) return pch;
            Path tmp = Files.createTempFile(include, "prelude", ".tmp");
            List<String> cmd = new ArrayList<>(base);
            cmd.addAll(List.of("-x", "c-header", include.resolve("prelude.h").toString(), "-o", tmp.toString()));
            try {
                run(cmd, "prelude.h");
            } catch (BpfException e) {
                Files.deleteIfExists(tmp);
                return null;
            }
            Files.move(tmp, pch, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return pch;
        } catch (IOException e) {
            return null;
        }
    }

    private static void run(List<String> cmd, String fileName) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BpfException("clang did not finish compiling " + fileName + " within 300 s");
            }
            if (p.exitValue() != 0) {
                String msg = out.strip();
                if (msg.contains("bpf/bpf_helpers.h' file not found")) {
                    msg = "libbpf's headers are missing: " + Clang.INSTALL + "\n" + msg;
                }
                throw new BpfException(msg.isEmpty() ? "clang failed on " + fileName + " (exit " + p.exitValue() + ")" : msg);
            }
        } catch (IOException e) {
            throw new BpfException("cannot run " + cmd.get(0) + ": " + e.getMessage() + "; " + Clang.INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BpfException("interrupted while compiling " + fileName, e);
        }
    }

    /**
     * The directory with {@code vmlinux.h} for the kernel BTF (generated on first use) and
     * {@code bpf4j_bcc.h}: {@code CACHE/btf-SIZE-CRC32C/}
     * (CRC-32C, not SHA-256: a few ms for the 5 MB, against ~0.3 s of a JVM that just started).
     */
    static Path includeDir(Options options) {
        Path btfFile = options.btf() != null ? options.btf() : Path.of("/sys/kernel/btf/vmlinux");
        byte[] raw;
        try {
            raw = Files.readAllBytes(btfFile);
        } catch (NoSuchFileException e) {
            throw new BpfException("no kernel BTF at " + btfFile + " to generate vmlinux.h from: the kernel needs "
                    + "CONFIG_DEBUG_INFO_BTF=y (5.2+)");
        } catch (IOException e) {
            throw new BpfException("cannot read " + btfFile + ": " + e.getMessage(), e);
        }
        CRC32C crc = new CRC32C();
        crc.update(raw);
        Path dir = cacheDir(options).resolve("btf-" + Integer.toHexString(raw.length) + "-"
                + String.format("%08x", crc.getValue()));
        try {
            Files.createDirectories(dir);
            Path vmlinux = dir.resolve("vmlinux.h");
            if (!Files.exists(vmlinux)) {
                Btf btf = options.btf() == null ? Btf.kernel() : Btf.parse(raw, btfFile.toString());
                Path tmp = Files.createTempFile(dir, "vmlinux", ".tmp");
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    BtfCDumper.dumpVmlinuxH(btf, out);
                }
                Files.move(tmp, vmlinux, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            byte[] header;
            try (InputStream in = Bcc.class.getResourceAsStream("bcc.h")) {
                if (in == null) throw new BpfException("bpf4j's bcc.h is missing from the class path");
                header = in.readAllBytes();
            }
            Path h = dir.resolve("bpf4j_bcc.h");
            if (!Files.exists(h) || !java.util.Arrays.equals(Files.readAllBytes(h), header)) {
                Path tmp = Files.createTempFile(dir, "bcc", ".tmp");
                Files.write(tmp, header);
                Files.move(tmp, h, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            Path prelude = dir.resolve("prelude.h");
            if (!Files.exists(prelude) || !Files.readString(prelude).equals(PRELUDE)) {
                Path tmp = Files.createTempFile(dir, "prelude", ".tmp");
                Files.writeString(tmp, PRELUDE);
                Files.move(tmp, prelude, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (IOException | UncheckedIOException e) {
            throw new BpfException("cannot write vmlinux.h under " + dir + ": " + e.getMessage()
                    + " (set BPF4J_CACHE_DIR to a writable directory)", e);
        }
    }

    /** The cache directory: the option, else $BPF4J_CACHE_DIR, $XDG_CACHE_HOME/bpf4j, ~/.cache/bpf4j. */
    static Path cacheDir(Options options) {
        if (options.cacheDir() != null) return options.cacheDir();
        String env = System.getenv("BPF4J_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "bpf4j");
        return Path.of(System.getProperty("user.home"), ".cache", "bpf4j");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
