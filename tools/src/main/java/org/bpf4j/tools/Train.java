package org.bpf4j.tools;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;

/**
 * {@code bpf4j __train}: the workload the launcher records in the JDK's ahead-of-time cache after
 * a build, so the classes of the start-up path are loaded, linked and profiled ahead of time: it
 * parses the tools' BPF objects, resolves their CO-RE relocations against the kernel BTF, writes
 * a vmlinux.h, and, when run as root (a build by {@code sudo ./bpf4j}), runs syscount for a
 * second: load, attach, print, detach.
 */
final class Train {
    private Train() {}

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (java.io.IOException ignored) {
            // not Linux enough to matter
        }
        return false;
    }

    static int run(PrintStream out) {
        ObjectSpec spec = ObjectSpec.fromResource(Train.class, "bpf/syscount.bpf.o");
        spec.rodata().set("target_pid", (int) ProcessHandle.current().pid());
        spec.program("sys_enter").autoload(true);
        if (Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            out.println(spec.resolveCore(Btf.kernel()).size() + " CO-RE relocations");
        }
        for (Tool tool : Tools.ALL) ObjectSpec.fromResource(Train.class, tool.objectResource());
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        if (Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            // the vmlinux.h writer: the whole kernel BTF, so its loops are profiled too
            Main.run(new String[] {"btf", "dump"}, sink, sink);
        }
        for (Tool tool : Tools.ALL) Main.run(new String[] {tool.name(), "--help"}, sink, sink);
        Main.run(new String[] {"syscount", "-l"}, sink, sink);
        if (isRoot()) {
            // built with sudo (the README's first command): record the whole tool, load to exit
            Main.run(new String[] {"syscount", "-d", "1", "-T", "3"}, sink, sink);
        } else {
            // without privileges the loader stops at its first system call (EPERM): still the path
            Main.run(new String[] {"prog", "load", "-"}, sink, sink);
        }
        out.println(Syscount.pad(SyscallNames.name(39), 22, true) + Syscount.pad("1", 8, false));
        return 0;
    }
}
