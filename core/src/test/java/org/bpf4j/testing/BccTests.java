package org.bpf4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.bcc.Clang;

/** Gate and sources for the tests of BCC-style programs, which need clang and libbpf's headers. */
public final class BccTests {
    private BccTests() {}

    /** Skips (or, in CI, fails) without clang 15+ and libbpf's headers; scripts/test installs them. */
    public static void requireToolchain() {
        String missing = null;
        try {
            Clang.find();
        } catch (BpfException e) {
            missing = e.getMessage();
        }
        if (missing == null && !Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h"))) {
            missing = "no libbpf headers (/usr/include/bpf/bpf_helpers.h: apt-get install libbpf-dev)";
        }
        KernelTests.require(missing == null, missing + " (scripts/test installs it)");
    }

    /** A BCC-style source of the tools' tests and examples: tools/src/test/bcc/NAME. */
    public static Path source(String name) {
        String root = System.getenv("BPF4J_SOURCE_ROOT");
        Path p = root != null ? Path.of(root, "tools/src/test/bcc", name) : Path.of("src/test/bcc", name);
        return Files.exists(p) ? p : Path.of("tools/src/test/bcc", name);
    }
}
