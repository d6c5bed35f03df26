package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bpf4j.testing.Cmd;
import org.bpf4j.testing.CoreOracle;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load verdict of bpf4j and of libbpf, program by program, for CO-RE objects written outside
 * this project: the BPF objects that Debian's libbpf-tools embed in their skeletons (extracted
 * from the binaries in /usr/sbin). The oracle is core/src/test/c/load_oracle.c against Debian's
 * libbpf, built here; each program is loaded on its own, as {@code bpf4j prog load} does.
 */
class LoadCorpusTest {
    @TempDir
    Path dir;

    private static final int EM_BPF = 247, ET_REL = 1;

    /** Every BPF relocatable object embedded in {@code binary} (a skeleton's bytes), in file order. */
    static List<byte[]> embedded(byte[] d) {
        List<byte[]> out = new ArrayList<>();
        for (int i = indexOf(d, 4); i >= 0; i = indexOf(d, i + 4)) {
            if (i + 64 > d.length || u16(d, i + 16) != ET_REL || u16(d, i + 18) != EM_BPF) continue;
            long shoff = u64(d, i + 0x28);
            long end = shoff + (long) u16(d, i + 0x3a) * u16(d, i + 0x3c);
            if (end <= 64 || i + end > d.length) continue;
            out.add(java.util.Arrays.copyOfRange(d, i, (int) (i + end)));
        }
        return out;
    }

    private static int indexOf(byte[] d, int from) {
        for (int i = from; i + 7 <= d.length; i++) {
            if (d[i] == 0x7f && d[i + 1] == 'E' && d[i + 2] == 'L' && d[i + 3] == 'F' && d[i + 4] == 2 && d[i + 5] == 1
                    && d[i + 6] == 1) {
                return i;
            }
        }
        return -1;
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8;
    }

    private static long u64(byte[] d, int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (d[p + i] & 0xff);
        return v;
    }

    /** The libbpf-tools objects, written to {@code dir} as TOOL.N.bpf.o. */
    private List<Path> corpus() throws IOException {
        Set<Path> binaries = new LinkedHashSet<>();
        try (Stream<String> files = Stream.of("libbpf-tools")) {
            for (String line : Cmd.check("dpkg", "-L", files.findFirst().orElseThrow()).split("\n")) {
                Path p = Path.of(line);
                if (line.startsWith("/usr/sbin/") && Files.isRegularFile(p)) binaries.add(p.toRealPath());
            }
        }
        List<Path> objects = new ArrayList<>();
        for (Path b : binaries) {
            List<byte[]> objs = embedded(Files.readAllBytes(b));
            for (int i = 0; i < objs.size(); i++) {
                Path o = dir.resolve(b.getFileName() + "." + i + ".bpf.o");
                Files.write(o, objs.get(i));
                objects.add(o);
            }
        }
        return objects;
    }

    @Test
    void sameVerdictAsLibbpfForEveryProgramOfLibbpfTools() throws IOException {
        KernelTests.requireKernel();
        KernelTests.require(Cmd.run("dpkg", "-s", "libbpf-tools").status() == 0,
                "libbpf-tools is not installed (apt-get install libbpf-tools): its objects are the corpus");
        KernelTests.require(Cmd.available("cc") && Files.exists(Path.of("/usr/include/bpf/libbpf.h")),
                "the libbpf oracle needs cc and libbpf-dev");
        List<Path> objects = corpus();
        assertTrue(objects.size() >= 40, "libbpf-tools embeds dozens of objects: " + objects.size());
        Path oracle = dir.resolve("load_oracle");
        Cmd.check("cc", "-O2", CoreOracle.sourceRoot().resolve("core/src/test/c/load_oracle.c").toString(), "-lbpf",
                "-o", oracle.toString());
        List<String> cmd = new ArrayList<>(List.of(oracle.toString()));
        for (Path o : objects) cmd.add(o.toString());
        Map<String, String> libbpf = new LinkedHashMap<>();
        for (String line : Cmd.check(cmd.toArray(String[]::new)).split("\n")) {
            String[] f = line.split("\t");
            libbpf.put(Path.of(f[0]).getFileName() + " " + f[1], f[2].equals("ok") ? "ok" : "refused (" + f[2] + ")");
        }
        List<String> differ = new ArrayList<>();
        int ok = 0;
        for (Path o : objects) {
            ObjectSpec spec = ObjectSpec.read(o);
            for (String name : spec.programs().keySet()) {
                String key = o.getFileName() + " " + name;
                String mine;
                try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of(name)))) {
                    mine = "ok";
                    ok++;
                } catch (BpfException e) {
                    mine = "refused: " + e.getMessage().strip().split("\n")[0];
                }
                String theirs = libbpf.remove(key);
                if (theirs == null || !theirs.equals("ok") != !mine.equals("ok")) {
                    differ.add(key + ": libbpf " + theirs + ", bpf4j " + mine);
                }
            }
        }
        for (String missing : libbpf.keySet()) differ.add(missing + ": libbpf has a program bpf4j does not see");
        assertEquals(List.of(), differ, differ.size() + " of the programs differ (" + ok + " loaded by bpf4j)");
        assertTrue(ok > 100, "most libbpf-tools programs load on this kernel: " + ok);
    }
}
