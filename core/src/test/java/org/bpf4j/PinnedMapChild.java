package org.bpf4j;

import java.nio.file.Path;
import org.bpf4j.map.Codecs;

/**
 * The first process of the pinning test: loads {@code inspect.o} with pin root {@code args[1]}
 * (which pins {@code shared_counts}), stores {@code args[2]} at index 1, prints the map's id and
 * exits, closing everything it made. Only the pin keeps the map.
 */
public final class PinnedMapChild {
    private PinnedMapChild() {}

    public static void main(String[] args) {
        ObjectSpec spec = ObjectSpec.read(Path.of(args[0]));
        try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(java.util.Set.of("inspect_syscall"))
                .withPinRoot(Path.of(args[1])))) {
            BpfMap m = obj.map("shared_counts");
            m.view(Codecs.U32, Codecs.U64).put(1, Long.parseLong(args[2]));
            System.out.println(m.info().id());
        }
    }
}
