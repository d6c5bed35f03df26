package org.bpf4j.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.bpf4j.LoadOptions;
import org.bpf4j.MapSpec;
import org.bpf4j.ObjectSpec;
import org.bpf4j.Pinning;

/**
 * {@code --pin-maps DIR} of {@code prog load}: every map of the object is pinned by name in DIR,
 * as if declared with {@code LIBBPF_PIN_BY_NAME} under pin root DIR, so a map already pinned
 * there (by an earlier load) is reused if compatible, and all stay after the command exits
 * (bpftool's {@code prog loadall OBJ PATH pinmaps DIR}).
 */
final class PinMaps {
    private PinMaps() {}

    static LoadOptions apply(ObjectSpec spec, LoadOptions opts, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BpfException("--pin-maps " + dir + ": cannot create the directory: " + e.getMessage());
        }
        for (MapSpec m : spec.maps().values()) m.pinning(Pinning.BY_NAME);
        return opts.withPinRoot(dir);
    }
}
