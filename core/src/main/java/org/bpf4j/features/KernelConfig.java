package org.bpf4j.features;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The configuration the running kernel was built with, from {@code /proc/config.gz}
 * ({@code CONFIG_IKCONFIG_PROC}) or {@code /boot/config-$(uname -r)}, read once and cached. Used
 * to name the exact option behind a missing feature in error messages; absent on many systems,
 * so nothing may depend on it.
 */
public final class KernelConfig {
    private final Map<String, String> options;
    private final Map<String, String> assigned;
    private final String source;

    private KernelConfig(Map<String, String> options, Map<String, String> assigned, String source) {
        this.options = options;
        this.assigned = assigned;
        this.source = source;
    }

    private static volatile Optional<KernelConfig> running;

    /**
     * The running kernel's configuration, if the system exposes it.
     *
     * @return the configuration from {@code /proc/config.gz} or {@code /boot/config-RELEASE}, read once; empty if
     *     neither is readable
     */
    public static Optional<KernelConfig> running() {
        Optional<KernelConfig> r = running;
        if (r == null) {
            synchronized (KernelConfig.class) {
                if (running == null) running = load();
                r = running;
            }
        }
        return r;
    }

    /**
     * Reads a kernel {@code .config}, plain or gzip-compressed (as {@code /proc/config.gz}).
     *
     * @param file the file
     * @return the configuration
     * @throws java.io.IOException if the file cannot be read
     */
    public static KernelConfig read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                return parse(readAll(in), file.toString());
            }
        }
        return parse(new String(raw, StandardCharsets.UTF_8), file.toString());
    }

    private static Optional<KernelConfig> load() {
        Path gz = Path.of("/proc/config.gz");
        try {
            if (Files.isReadable(gz)) return Optional.of(read(gz));
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
            Path boot = Path.of("/boot/config-" + release);
            if (Files.isReadable(boot)) return Optional.of(parse(Files.readString(boot), boot.toString()));
        } catch (IOException e) {
            // no configuration to consult: callers word their messages without it
        }
        return Optional.empty();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Parses the text of a kernel {@code .config}.
     *
     * @param text the file's text
     * @param source where it came from, for messages
     * @return the configuration
     */
    public static KernelConfig parse(String text, String source) {
        Map<String, String> m = new HashMap<>(), set = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("CONFIG_")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                    set.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
                }
            } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                m.put(line.substring(2, line.length() - " is not set".length()), "n");
            }
        }
        return new KernelConfig(Map.copyOf(m), Map.copyOf(set), source);
    }

    /**
     * Where the configuration was read from.
     *
     * @return the source, such as {@code /proc/config.gz}
     */
    public String source() {
        return source;
    }

    /**
     * The option's value ({@code y}, {@code m}, a number or string); {@code n} when not set.
     *
     * @param option the option's name, such as {@code CONFIG_BPF_SYSCALL}
     * @return the value, or {@code n}
     */
    public String get(String option) {
        return options.getOrDefault(option, "n");
    }

    /**
     * The value a {@code CONFIG_X=value} line gives the option (the first such line, as libbpf
     * reads it), or null: {@code # CONFIG_X is not set} assigns nothing.
     *
     * @param option the option's name, such as {@code CONFIG_BPF_SYSCALL}
     * @return the value, or null
     */
    public String assigned(String option) {
        return assigned.get(option);
    }

    /**
     * Whether the option is built in or a module.
     *
     * @param option the option's name, such as {@code CONFIG_BPF_SYSCALL}
     * @return true for {@code y} or {@code m}
     */
    public boolean enabled(String option) {
        String v = get(option);
        return v.equals("y") || v.equals("m");
    }
}
