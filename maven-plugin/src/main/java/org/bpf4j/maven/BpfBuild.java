package org.bpf4j.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.bpf4j.BpfException;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.Clang;
import org.bpf4j.gen.SkeletonGenerator;

/**
 * What the plugin does, without Maven: compiles every {@code *.bpf.c} of a directory with clang
 * for the BPF target into {@code OUT/PACKAGE/NAME.bpf.o} (debug info stripped except BTF, as
 * libbpf-tools do), and writes a Java skeleton per object into a source directory.
 */
public final class BpfBuild {
    /** Settings; see the mojos for their meaning. */
    public record Settings(Path sourceDirectory, List<Path> includeDirectories, String clang, List<String> clangArguments,
                           boolean strip, String packageName, Path objectDirectory, Path generatedSources,
                           boolean skeletons, List<String> types) {
        /** Settings without {@code types}. */
        public Settings(Path sourceDirectory, List<Path> includeDirectories, String clang, List<String> clangArguments,
                        boolean strip, String packageName, Path objectDirectory, Path generatedSources, boolean skeletons) {
            this(sourceDirectory, includeDirectories, clang, clangArguments, strip, packageName, objectDirectory,
                    generatedSources, skeletons, List.of());
        }
    }

    /**
     * One {@code <type>}: {@code STRUCT} (a record for {@code struct STRUCT}), or {@code MAP=STRUCT}
     * (also a typed reader of ring buffer or perf event array {@code MAP}, handing those records).
     */
    record TypeRequest(String map, String struct) {
        static TypeRequest parse(String t) throws BuildException {
            String v = t.trim();
            int eq = v.indexOf('=');
            String map = eq < 0 ? null : v.substring(0, eq).trim();
            String struct = (eq < 0 ? v : v.substring(eq + 1)).trim();
            if (struct.startsWith("struct ")) struct = struct.substring(7).trim();
            if (!struct.matches("[A-Za-z_]\\w*") || map != null && !map.matches("[A-Za-z_]\\w*")) {
                throw new BuildException("bad <type> '" + t + "': a struct name (event), or a map and a struct (events=event)");
            }
            return new TypeRequest(map, struct);
        }
    }

    /** What a build did: objects compiled (not those up to date), skeletons written. */
    public record Result(List<Path> objects, List<Path> compiled, List<Path> skeletons) {}

    /** Thrown with a message for the user (the mojo turns it into a build failure). */
    public static final class BuildException extends Exception {
        private static final long serialVersionUID = 1L;

        BuildException(String message) {
            super(message);
        }

        BuildException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private BpfBuild() {}

    /** Runs a build; {@code log} gets one line per compiled object and skeleton. */
    public static Result run(Settings s, Consumer<String> log) throws BuildException {
        List<Path> sources = new ArrayList<>();
        if (Files.isDirectory(s.sourceDirectory())) {
            try (Stream<Path> st = Files.list(s.sourceDirectory())) {
                st.filter(p -> p.getFileName().toString().endsWith(".bpf.c")).sorted().forEach(sources::add);
            } catch (IOException e) {
                throw new BuildException("cannot list " + s.sourceDirectory() + ": " + e.getMessage(), e);
            }
        }
        List<Path> objects = new ArrayList<>(), compiled = new ArrayList<>(), skeletons = new ArrayList<>();
        if (sources.isEmpty()) return new Result(objects, compiled, skeletons);
        Path outDir = s.objectDirectory().resolve(s.packageName().replace('.', '/'));
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new BuildException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        String clang = null;
        for (Path src : sources) {
            String name = src.getFileName().toString();
            Path obj = outDir.resolve(name.substring(0, name.length() - 2) + ".o");
            objects.add(obj);
            if (upToDate(obj, src, s)) continue;
            if (clang == null) clang = s.clang() != null && !s.clang().isBlank() ? s.clang() : findClang();
            compile(clang, src, obj, s);
            compiled.add(obj);
            log.accept("compiled " + src.getFileName() + " -> " + obj);
        }
        if (s.skeletons()) {
            List<TypeRequest> requests = new ArrayList<>();
            for (String t : s.types()) requests.add(TypeRequest.parse(t));
            java.util.Set<String> found = new java.util.HashSet<>();
            for (int i = 0; i < objects.size(); i++) {
                Path obj = objects.get(i);
                String resource = obj.getFileName().toString();
                ObjectSpec spec;
                byte[] bytes;
                try {
                    bytes = java.nio.file.Files.readAllBytes(obj);
                    spec = ObjectSpec.parse(bytes, obj.toString());
                } catch (RuntimeException | java.io.IOException e) {
                    throw new BuildException("cannot read " + obj + ": " + e.getMessage(), e);
                }
                java.util.Map<String, String> readers = new java.util.LinkedHashMap<>();
                if (!requests.isEmpty()) {
                    if (clang == null) clang = s.clang() != null && !s.clang().isBlank() ? s.clang() : findClang();
                    // the skeleton is made from the types object: the same object with the structs in its BTF
                    spec = typesSpec(clang, sources.get(i), obj, requests, s);
                    for (TypeRequest r : requests) {
                        if (spec.btf() == null || spec.btf().find(r.struct(), org.bpf4j.btf.BtfKind.STRUCT) <= 0) continue;
                        found.add(r.struct());
                        if (r.map() != null && spec.maps().containsKey(r.map())) readers.put(r.map(), r.struct());
                    }
                }
                // the object goes into the skeleton too, as libbpf's .skel.h: no class path lookup at start-up
                Path java;
                try {
                    java = SkeletonGenerator.write(spec, s.packageName(), SkeletonGenerator.className(resource), resource,
                            bytes, readers, s.generatedSources());
                } catch (IllegalArgumentException e) {
                    throw new BuildException("<types>: " + e.getMessage(), e);
                }
                skeletons.add(java);
                log.accept("skeleton " + java);
            }
            for (TypeRequest r : requests) {
                if (!found.contains(r.struct())) {
                    throw new BuildException("<types>: no struct " + r.struct() + " is defined in " + sources.stream()
                            .map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.joining(", ")));
                }
            }
        }
        return new Result(objects, compiled, skeletons);
    }

    /**
     * The spec of {@code obj}'s source compiled again with a static function that takes a pointer
     * to each requested struct, so that clang writes those structs into BTF (bpf2go's -type): the
     * shipped object stays as its source is, with no dummy variable or map. The types object goes
     * under {@code target/bpf4j-types/classes} (beside the object directory), rebuilt when older
     * than obj.
     */
    private static ObjectSpec typesSpec(String clang, Path src, Path obj, List<TypeRequest> requests, Settings s)
            throws BuildException {
        Path objects = s.objectDirectory().toAbsolutePath();
        Path dir = objects.resolveSibling("bpf4j-types").resolve(objects.getFileName().toString());
        String base = obj.getFileName().toString().replaceFirst("\\.o$", "");
        Path tu = dir.resolve(base + ".types.c"), typesObj = dir.resolve(base + ".types.o");
        StringBuilder c = new StringBuilder("// bpf4j-maven-plugin: the structs of <types> in BTF\n");
        c.append("#include \"").append(src.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n");
        // declared first: a struct the source lacks is then an error of ours, not a clang warning
        for (TypeRequest r : requests) c.append("struct ").append(r.struct()).append(";\n");
        c.append("__attribute__((used)) static void __bpf4j_types(");
        for (int i = 0; i < requests.size(); i++) {
            c.append(i == 0 ? "" : ", ").append("struct ").append(requests.get(i).struct()).append(" *t").append(i);
        }
        c.append(") {}\n");
        try {
            Files.createDirectories(dir);
            boolean same = Files.exists(tu) && Files.readString(tu).contentEquals(c);
            if (!same) Files.writeString(tu, c);
            if (!same || !Files.exists(typesObj) || Files.getLastModifiedTime(typesObj).compareTo(Files.getLastModifiedTime(obj)) < 0) {
                compile(clang, tu, typesObj, s);
            }
            return ObjectSpec.parse(Files.readAllBytes(typesObj), typesObj.toString());
        } catch (IOException e) {
            throw new BuildException("cannot write " + tu + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BuildException("cannot read " + typesObj + ": " + e.getMessage(), e);
        }
    }

    /** The object is newer than its source and every header of the source directory. */
    private static boolean upToDate(Path obj, Path src, Settings s) throws BuildException {
        if (!Files.exists(obj)) return false;
        try {
            FileTime t = Files.getLastModifiedTime(obj);
            if (Files.getLastModifiedTime(src).compareTo(t) > 0) return false;
            try (Stream<Path> st = Files.list(s.sourceDirectory())) {
                for (Path h : (Iterable<Path>) st::iterator) {
                    if (h.toString().endsWith(".h") && Files.getLastModifiedTime(h).compareTo(t) > 0) return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new BuildException("cannot check " + obj + ": " + e.getMessage(), e);
        }
    }

    /** clang 15 or newer (the CO-RE builtins the programs use), found as bpf4j's run-time compiler finds it. */
    static String findClang() throws BuildException {
        try {
            return Clang.find().toString();
        } catch (BpfException e) {
            throw new BuildException(e.getMessage() + ", or set the plugin's <clang> parameter");
        }
    }

    static String onPath(String tool) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** llvm-strip of the same version as clang, or null. */
    static String findStrip(String clang) {
        String v = null;
        try {
            v = runFor(List.of(clang, "-dumpversion"), null).trim().split("\\.")[0];
        } catch (BuildException e) {
            // fall through to the unversioned tool
        }
        if (v != null) {
            String s = onPath("llvm-strip-" + v);
            if (s != null) return s;
        }
        return onPath("llvm-strip");
    }

    private static void compile(String clang, Path src, Path obj, Settings s) throws BuildException {
        Path tmp = obj.resolveSibling(obj.getFileName() + ".tmp");
        List<String> cmd = new ArrayList<>(List.of(clang, "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_" + Clang.targetArch(),
                "-I" + s.sourceDirectory()));
        for (Path inc : s.includeDirectories()) cmd.add("-I" + inc);
        Path sysArch = Clang.multiarchIncludes();
        if (Files.isDirectory(sysArch)) cmd.add("-I" + sysArch);
        cmd.add("-Wall");
        cmd.addAll(s.clangArguments());
        cmd.addAll(List.of("-c", src.toString(), "-o", tmp.toString()));
        try {
            runFor(cmd, s.sourceDirectory());
        } catch (BuildException e) {
            String msg = e.getMessage();
            if (msg.contains("bpf/bpf_helpers.h' file not found")) {
                msg += "\n(libbpf's headers are missing: Debian: apt-get install libbpf-dev)";
            }
            throw new BuildException("clang failed on " + src + ":\n" + msg, e);
        }
        if (s.strip()) {
            String strip = findStrip(clang);
            if (strip != null) runFor(List.of(strip, "-g", tmp.toString()), null);
        }
        try {
            Files.move(tmp, obj, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BuildException("cannot write " + obj + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command; returns its output, or throws with it when it fails. */
    private static String runFor(List<String> cmd, Path dir) throws BuildException {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) pb.directory(dir.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BuildException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) throw new BuildException(String.join(" ", cmd) + " exited with " + p.exitValue() + "\n" + out);
            return out;
        } catch (IOException e) {
            throw new BuildException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted", e);
        }
    }
}
