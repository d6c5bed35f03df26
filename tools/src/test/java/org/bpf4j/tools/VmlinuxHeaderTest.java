package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfCDumper;
import org.junit.jupiter.api.Test;

/**
 * tools/src/main/bpf/vmlinux.h, written by scripts/gen-vmlinux-h with {@code bpf4j btf dump
 * --type}: small, exactly what the script's type list gives (on the kernel it came from), and
 * enough for the tools' programs and for execsnoop/opensnoop-style code.
 */
class VmlinuxHeaderTest {
    static Path root() {
        String r = System.getenv("BPF4J_SOURCE_ROOT");
        Path p = r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(p.resolve("scripts/gen-vmlinux-h")), "no source tree at " + p);
        return p;
    }

    static Path header() {
        return root().resolve("tools/src/main/bpf/vmlinux.h");
    }

    @Test
    void headerIsAFewHundredLines() throws IOException {
        List<String> lines = Files.readAllLines(header());
        assertTrue(lines.size() > 50 && lines.size() <= 600, lines.size() + " lines");
        assertTrue(lines.contains("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)"));
    }

    /** The TYPES=( ... ) list of scripts/gen-vmlinux-h, comments removed. */
    static List<String> typeList() throws IOException {
        String script = Files.readString(root().resolve("scripts/gen-vmlinux-h"));
        int start = script.indexOf("\nTYPES=(");
        int end = script.indexOf("\n)", start);
        List<String> types = new ArrayList<>();
        for (String line : script.substring(start + 8, end).split("\n")) {
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            for (String w : line.trim().split("\\s+")) if (!w.isEmpty()) types.add(w);
        }
        return types;
    }

    /**
     * The header is what the type list gives on the BTF it came from, checked in trimmed to the
     * types the list reaches (tools/src/test/resources/vmlinux.h.btf.gz, by scripts/gen-vmlinux-h):
     * on any machine. On the kernel it came from, the running kernel's BTF gives the same.
     */
    @Test
    void headerIsWhatTheTypeListGivesOnItsKernel() throws IOException {
        String text = Files.readString(header());
        Matcher m = Pattern.compile("from the BTF of Linux (\\S+) \\(trimmed copy: (\\S+)\\)\\.").matcher(text);
        assertTrue(m.find(), "the header names its kernel and the trimmed copy of its BTF");
        List<String> types = typeList();
        assertTrue(types.contains("trace_event_raw_sys_enter") && types.contains("task_struct:__state,pid,tgid,real_parent,comm,fs,nsproxy,se"));
        String body = text.substring(text.indexOf(" */\n") + 4);
        Btf trimmed = Btf.parse(org.bpf4j.btf.BtfTrim.gunzip(root().resolve(m.group(2))), m.group(2));
        assertEquals(dump(trimmed, types), body, "from " + m.group(2));
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        if (m.group(1).equals(release) && Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            assertEquals(dump(Btf.kernel(), types), body, "from the running kernel's BTF");
        }
    }

    private static String dump(Btf btf, List<String> types) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BtfCDumper.dumpSelected(btf, types, null, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static String clang() {
        for (String c : new String[] {"clang-19", "clang-20", "clang-18", "clang-17", "clang-16", "clang-15"}) {
            if (Files.isExecutable(Path.of("/usr/bin", c))) return "/usr/bin/" + c;
        }
        return null;
    }

    /** Every BPF program of the tools, and the execsnoop/opensnoop type check, compile against it. */
    @Test
    void programsCompileAgainstIt() throws Exception {
        String clang = clang();
        assumeTrue(clang != null, "no clang 15+");
        assumeTrue(Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h")), "no libbpf headers");
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(root().resolve("tools/src/main/bpf"))) {
            s.filter(p -> p.toString().endsWith(".bpf.c")).sorted().forEach(sources::add);
        }
        sources.add(root().resolve("tools/src/test/bpf/snoop_types.bpf.c"));
        assertTrue(sources.size() >= 2);
        Path out = Files.createTempFile("vmlinux-check", ".o");
        try {
            for (Path src : sources) {
                Process p = new ProcessBuilder(clang, "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86",
                        "-I" + header().getParent(), "-I/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64")
                        + "-linux-gnu", "-Wall", "-Werror", "-c", src.toString(), "-o", out.toString())
                        .redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), src.getFileName() + ":\n" + log);
                Btf btf = Btf.read(out);
                assertTrue(btf.typeCount() > 10, src.getFileName().toString());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
