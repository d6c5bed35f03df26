package org.bpf4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.ObjectSpec;
import org.bpf4j.bcc.BccProgram;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.testing.VmTests;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The study document's kprobe sys_open program where kprobes exist: in the kernel matrix. The guest
 * has no clang, so scripts/kernel-matrix compiles tools/src/test/bcc/kprobe_open.c on the host
 * ({@link BccKprobeOpen} --compile, with the host's clang and BTF: the object is CO-RE) into
 * {@code $BPF4J_BCC_OBJECTS}; here it is loaded as it is and auto-attached by its kprobe__ name.
 */
@Tag("vm")
class BccKprobeOpenInVmTest {
    @Test
    void kprobeOpenSeesEveryOpenatOfThisThread() {
        VmTests.requireVm();
        String dir = System.getenv("BPF4J_BCC_OBJECTS");
        Path obj = dir == null ? null : Path.of(dir, "kprobe_open.bpf.o");
        KernelTests.require(obj != null && Files.isRegularFile(obj), "no precompiled kprobe_open.bpf.o in "
                + "$BPF4J_BCC_OBJECTS (" + dir + "): scripts/kernel-matrix compiles it with the host's clang");
        KernelTests.Snapshot before = KernelTests.Snapshot.take();
        try (BccProgram b = BccProgram.load(ObjectSpec.read(obj))) {
            assertEquals(1, b.links().size(), "auto-attached links");
            // once to load the classes the loop uses (class loading opens files on this thread)
            BccKprobeOpen.recorded(b, 3, "/bpf4j-kprobe-warmup");
            assertEquals(500, BccKprobeOpen.recorded(b, 500, "/bpf4j-kprobe-open"));
        }
        before.assertNothingLeftBehind("the BCC kprobe program", List.of("kprobe__sys_openat", "open_files"));
    }
}
