package org.bpf4j.link;

import java.util.Set;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;

/**
 * The victim of {@link OrphanProbesTest}, in a JVM of its own: attaches {@code attach.o}'s
 * {@code on_square_return} to {@code uprobe_target}'s {@code b4j_square_plus} through tracefs (or,
 * with "pmu", through the PMU), prints "attached", and waits to be killed; a line on stdin (or,
 * with "exit", nothing) makes it close everything and exit.
 */
public final class TracefsUprobeMain {
    private TracefsUprobeMain() {}

    public static void main(String[] args) throws Exception {
        String object = args[0], target = args[1];
        ProbeMode mode = args[2].equals("pmu") ? ProbeMode.AUTO : ProbeMode.TRACEFS;
        try (BpfObject obj = ObjectSpec.read(java.nio.file.Path.of(object))
                .load(LoadOptions.defaults().withPrograms(Set.of("on_square_return")));
             UprobeLink link = obj.program("on_square_return").attachUprobe(
                     UprobeLink.Options.of(target, "b4j_square_plus").retprobe(true).mode(mode))) {
            System.out.println("attached " + link.target());
            System.out.flush();
            if (args.length > 3 && args[3].equals("exit")) return;
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        }
    }
}
