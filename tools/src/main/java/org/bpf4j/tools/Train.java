package org.bpf4j.tools;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.sys.Os;

/**
 * {@code bpf4j __train}: the workload the launcher records in the JDK's ahead-of-time cache after
 * a build. It runs without privileges and touches no kernel object: it parses the tools' BPF
 * objects, resolves their CO-RE relocations against the kernel BTF, makes one system call through
 * FFM, and formats output, so the classes of the start-up path are loaded and linked.
 */
final class Train {
    private Train() {}

    static int run(PrintStream out) {
        ObjectSpec spec = ObjectSpec.fromResource(Train.class, "bpf/syscount.bpf.o");
        spec.rodata().set("target_pid", Os.getpid());
        spec.program("sys_exit").autoload(true);
        if (Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            out.println(spec.resolveCore(Btf.kernel()).size() + " CO-RE relocations");
        }
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        if (Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            // the vmlinux.h writer: the whole kernel BTF, so its loops are profiled too
            Main.run(new String[] {"btf", "dump"}, sink, sink);
        }
        Main.run(new String[] {"syscount", "--help"}, sink, sink);
        Main.run(new String[] {"syscount", "-l"}, sink, sink);
        out.println(Syscount.pad(SyscallNames.name(39), 22, true) + Syscount.pad("1", 8, false));
        return 0;
    }
}
