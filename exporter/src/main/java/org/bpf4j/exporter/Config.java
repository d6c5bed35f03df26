package org.bpf4j.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bpf4j.BpfException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One ebpf_exporter config: {@code NAME.yaml} beside its {@code NAME.bpf.o}. The format is
 * ebpf_exporter's ({@code metrics.counters}, {@code metrics.histograms}, labels with size, padding
 * and decoders); a config it rejects is rejected here with one line naming the file, the metric and
 * the key. Keys it does not know are ignored, as its YAML decoder does.
 */
public record Config(String name, Path yaml, Path object, List<Metric> counters, List<Metric> histograms,
        List<String> kaddrs, CgroupIdMap cgroupIdMap, List<Span> spans) {

    /**
     * A span of {@code tracing.spans}: records of ring buffer {@code ringbuf} decoded by the labels;
     * the labels trace_id, parent_span_id, span_id, span_monotonic_timestamp_ns, span_duration_ns
     * and span_name make the span, the others its attributes; {@code service} its service.name.
     */
    public record Span(String name, String ringbuf, String service, List<Label> labels) {
        public int recordSize() {
            int n = 0;
            for (Label l : labels) n += l.size() + l.padding();
            return n;
        }
    }

    /**
     * {@code cgroup_id_map}: the exporter keeps map {@code name} filled with the ids of the cgroups
     * whose path matches one of {@code regexps} ({@code type} hash: key the u64 id; cgrp_storage:
     * key a cgroup fd), value 1.
     */
    public record CgroupIdMap(String name, String type, List<String> regexps) {}

    /** The bucket types of {@code bucket_type}. */
    public enum BucketType {
        EXP2, EXP2ZERO, LINEAR, FIXED
    }

    /** A decoder of a label: its name and the options some decoders take. */
    public record Decoder(String name, Map<String, String> staticMap, List<String> regexps, boolean allowUnknown) {}

    /** A label: {@code size} bytes of the map key (then {@code padding} bytes skipped), decoded by the chain. */
    public record Label(String name, int size, int padding, List<Decoder> decoders) {}

    /** A counter or a histogram, read from the map of the same name. */
    public record Metric(String name, String help, List<Label> labels, boolean perfEventArray, BucketType bucketType,
            double bucketMultiplier, int bucketMin, int bucketMax, List<Double> bucketKeys, java.time.Duration flushInterval) {
        /** The key bytes the labels describe (sizes and paddings). */
        public int keySize() {
            int n = 0;
            for (Label l : labels) n += l.size() + l.padding();
            return n;
        }

        /** {@code bucket_multiplier}, 1 when unset (0), as ebpf_exporter. */
        public double multiplier() {
            return bucketMultiplier == 0 ? 1 : bucketMultiplier;
        }
    }

    /** The decoders ebpf_exporter knows. */
    static final Set<String> DECODERS = Set.of("cgroup", "dname", "errno", "hex", "ifname", "inet_ip", "kstack", "ksym",
            "majorminor", "pci_class", "pci_device", "pci_subclass", "pci_vendor", "regexp", "static_map", "string",
            "syscall", "uint");

    /** The ready configs shipped in the jar (org/bpf4j/exporter/configs/NAME.yaml and NAME.bpf.o). */
    public static final List<String> BUILT_IN = List.of("syscount", "biolatency", "runqlat");

    private static Path builtInDir;

    /**
     * Reads {@code DIR/NAME.yaml}; its object is {@code DIR/NAME.bpf.o}. A name that is not in
     * DIR (or without a DIR) and is one of {@link #BUILT_IN} is read from the jar.
     */
    public static Config read(Path dir, String name) {
        if ((dir == null || !Files.exists(dir.resolve(name + ".yaml"))) && BUILT_IN.contains(name)) return builtIn(name);
        if (dir == null) {
            throw new BpfException("config " + name + ": not a built-in config (" + String.join(", ", BUILT_IN)
                    + ") and no --config.dir to find it in");
        }
        Path yaml = dir.resolve(name + ".yaml");
        String text;
        try {
            text = Files.readString(yaml);
        } catch (NoSuchFileException e) {
            throw new BpfException(yaml + ": config " + name + ": no such file");
        } catch (IOException e) {
            throw new BpfException(yaml + ": config " + name + ": " + e.getMessage());
        }
        return parse(text, yaml, name, dir.resolve(name + ".bpf.o"));
    }

    /**
     * A built-in config: its YAML and object copied out of the jar once per process into a
     * temporary directory removed at exit (the loader reads objects from files).
     */
    static synchronized Config builtIn(String name) {
        try {
            if (builtInDir == null) {
                Path d = Files.createTempDirectory("bpf4j-exporter-configs");
                d.toFile().deleteOnExit();
                builtInDir = d;
            }
            for (String f : List.of(name + ".yaml", name + ".bpf.o")) {
                Path out = builtInDir.resolve(f);
                if (Files.exists(out)) continue;
                try (var in = Config.class.getResourceAsStream("configs/" + f)) {
                    if (in == null) throw new BpfException("config " + name + ": configs/" + f + " is missing from the jar");
                    Files.copy(in, out);
                }
                out.toFile().deleteOnExit();
            }
            return parse(Files.readString(builtInDir.resolve(name + ".yaml")), builtInDir.resolve(name + ".yaml"), name,
                    builtInDir.resolve(name + ".bpf.o"));
        } catch (IOException e) {
            throw new BpfException("config " + name + ": copying the built-in config out of the jar: " + e.getMessage());
        }
    }

    /** Parses a config's YAML text; {@code yaml} names it in messages. */
    public static Config parse(String text, Path yaml, String name, Path object) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark();
            throw new BpfException(yaml + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": config " + name
                    + ": malformed YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new BpfException(yaml + ": config " + name + ": malformed YAML: " + e.getMessage());
        }
        Reader r = new Reader(yaml, name);
        Map<String, Object> top = doc == null ? Map.of() : r.map(doc, "(top level)", "");
        Map<String, Object> metrics = top.get("metrics") == null ? Map.of() : r.map(top.get("metrics"), "", "metrics");
        Object tracing = top.get("tracing");
        List<Metric> counters = r.metrics(metrics.get("counters"), "counter", "metrics.counters");
        List<Metric> histograms = r.metrics(metrics.get("histograms"), "histogram", "metrics.histograms");
        if (metrics.get("counters") == null && metrics.get("histograms") == null && tracing == null) {
            throw r.fail("", "metrics", "neither metrics nor tracing are defined");
        }
        List<String> kaddrs = new ArrayList<>();
        if (top.get("kaddrs") != null) {
            for (Object o : r.list(top.get("kaddrs"), "", "kaddrs")) kaddrs.add(String.valueOf(o));
        }
        CgroupIdMap cgroupIdMap = null;
        if (top.get("cgroup_id_map") != null) {
            Map<String, Object> m = r.map(top.get("cgroup_id_map"), "", "cgroup_id_map");
            String mapName = r.string(m, "name", "", "cgroup_id_map");
            if (!mapName.isEmpty()) {
                String type = r.string(m, "type", "", "cgroup_id_map");
                if (type.isEmpty()) type = "hash";
                if (!type.equals("hash") && !type.equals("cgrp_storage")) {
                    throw r.fail("", "cgroup_id_map.type", "unknown type \"" + type + "\" (hash or cgrp_storage)");
                }
                List<String> res = new ArrayList<>();
                if (m.get("regexps") != null) {
                    List<?> rs = r.list(m.get("regexps"), "", "cgroup_id_map.regexps");
                    for (int i = 0; i < rs.size(); i++) {
                        String re = String.valueOf(rs.get(i));
                        try {
                            java.util.regex.Pattern.compile(re);
                        } catch (java.util.regex.PatternSyntaxException e) {
                            throw r.fail("", "cgroup_id_map.regexps[" + i + "]", "bad regexp: " + e.getDescription());
                        }
                        res.add(re);
                    }
                }
                cgroupIdMap = new CgroupIdMap(mapName, type, List.copyOf(res));
            }
        }
        List<Span> spans = new ArrayList<>();
        if (tracing != null) {
            Map<String, Object> t = r.map(tracing, "", "tracing");
            if (t.get("spans") != null) {
                List<?> items = r.list(t.get("spans"), "", "tracing.spans");
                for (int i = 0; i < items.size(); i++) {
                    String at = "tracing.spans[" + i + "]";
                    Map<String, Object> m = r.map(items.get(i), "", at);
                    String ringbuf = r.string(m, "ringbuf", "", at);
                    if (ringbuf.isEmpty()) throw r.fail("", at + ".ringbuf", "span lacks ringbuf");
                    spans.add(new Span(r.string(m, "name", "", at), ringbuf, r.string(m, "service", "", at),
                            r.labels(m.get("labels"), "", at + ".labels")));
                }
            }
        }
        return new Config(name, yaml, object, List.copyOf(counters), List.copyOf(histograms), List.copyOf(kaddrs),
                cgroupIdMap, List.copyOf(spans));
    }

    /** A Go duration ({@code 1m30s}, {@code 500ms}, {@code 1.5h}, {@code 0}), or null if {@code text} is none. */
    static java.time.Duration goDuration(String text) {
        String s = text.trim();
        if (s.equals("0")) return java.time.Duration.ZERO;
        var mt = java.util.regex.Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|\u00b5s|ms|s|m|h)").matcher(s);
        double nanos = 0;
        boolean neg = s.startsWith("-");
        int end = neg || s.startsWith("+") ? 1 : 0, begin = end;
        while (mt.find() && mt.start() == end) {
            double v = Double.parseDouble(mt.group(1));
            nanos += v * switch (mt.group(2)) {
                case "ns" -> 1;
                case "us", "\u00b5s" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = mt.end();
        }
        if (end != s.length() || end == begin) return null;
        return java.time.Duration.ofNanos((long) (neg ? -nanos : nanos));
    }

    /** The YAML tree to records, with the place of each mistake. */
    private record Reader(Path yaml, String config) {
        BpfException fail(String metric, String key, String what) {
            return new BpfException(yaml + ": config " + config + (metric.isEmpty() ? "" : ", metric " + metric)
                    + ", key " + key + ": " + what);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(Object o, String metric, String key) {
            if (o instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (var e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
                return out;
            }
            throw fail(metric, key, "expected a mapping, got " + describe(o));
        }

        List<?> list(Object o, String metric, String key) {
            if (o instanceof List<?> l) return l;
            throw fail(metric, key, "expected a list, got " + describe(o));
        }

        String string(Map<String, Object> m, String field, String metric, String key) {
            Object o = m.get(field);
            if (o == null) return "";
            if (o instanceof Map || o instanceof List) throw fail(metric, key + "." + field, "expected a string, got " + describe(o));
            return String.valueOf(o);
        }

        long integer(Map<String, Object> m, String field, String metric, String key, long min) {
            Object o = m.get(field);
            if (o == null) return 0;
            if (!(o instanceof Integer || o instanceof Long)) {
                throw fail(metric, key + "." + field, "expected an integer, got " + describe(o));
            }
            long v = ((Number) o).longValue();
            if (v < min) throw fail(metric, key + "." + field, "must be at least " + min + ", got " + v);
            return v;
        }

        double number(Object o, String metric, String key) {
            if (o == null) return 0;
            if (o instanceof Number n) return n.doubleValue();
            throw fail(metric, key, "expected a number, got " + describe(o));
        }

        boolean bool(Map<String, Object> m, String field, String metric, String key) {
            Object o = m.get(field);
            if (o == null) return false;
            if (o instanceof Boolean b) return b;
            throw fail(metric, key + "." + field, "expected true or false, got " + describe(o));
        }

        List<Metric> metrics(Object o, String kind, String key) {
            List<Metric> out = new ArrayList<>();
            if (o == null) return out;
            List<?> items = list(o, "", key);
            for (int i = 0; i < items.size(); i++) {
                String at = key + "[" + i + "]";
                Map<String, Object> m = map(items.get(i), "", at);
                String name = string(m, "name", "", at);
                if (name.isEmpty()) throw fail("", at + ".name", kind + " lacks name");
                if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw fail(name, at + ".name", "not a valid metric name");
                String help = string(m, "help", name, at);
                if (help.isEmpty()) throw fail(name, at + ".help", kind + " lacks help");
                List<Label> labels = labels(m.get("labels"), name, at + ".labels");
                boolean perf = bool(m, "perf_event_array", name, at);
                java.time.Duration flush = null;
                if (m.get("flush_interval") != null) flush = duration(m.get("flush_interval"), name, at + ".flush_interval");
                if (kind.equals("counter")) {
                    out.add(new Metric(name, help, labels, perf, null, 0, 0, 0, List.of(), flush));
                    continue;
                }
                String type = string(m, "bucket_type", name, at);
                BucketType bt = switch (type) {
                    case "exp2" -> BucketType.EXP2;
                    case "exp2zero" -> BucketType.EXP2ZERO;
                    case "linear" -> BucketType.LINEAR;
                    case "fixed" -> BucketType.FIXED;
                    default -> throw fail(name, at + ".bucket_type",
                            "unknown histogram type \"" + type + "\" (exp2, exp2zero, linear or fixed)");
                };
                if (labels.isEmpty()) throw fail(name, at + ".labels", "a histogram needs a last label for the bucket");
                double mult = number(m.get("bucket_multiplier"), name, at + ".bucket_multiplier");
                int min = (int) integer(m, "bucket_min", name, at, Integer.MIN_VALUE);
                int max = (int) integer(m, "bucket_max", name, at, Integer.MIN_VALUE);
                List<Double> keys = new ArrayList<>();
                if (m.get("bucket_keys") != null) {
                    List<?> ks = list(m.get("bucket_keys"), name, at + ".bucket_keys");
                    for (int k = 0; k < ks.size(); k++) keys.add(number(ks.get(k), name, at + ".bucket_keys[" + k + "]"));
                }
                if (bt == BucketType.FIXED) {
                    if (keys.isEmpty()) throw fail(name, at + ".bucket_keys", "a fixed histogram needs bucket_keys");
                    for (int k = 1; k < keys.size(); k++) {
                        if (keys.get(k) <= keys.get(k - 1)) throw fail(name, at + ".bucket_keys", "keys must increase");
                    }
                } else if (max <= min) {
                    throw fail(name, at + ".bucket_max", "histogram buckets have zero size: [bucket_min .. bucket_max] = ["
                            + min + " .. " + max + "]");
                }
                out.add(new Metric(name, help, labels, perf, bt, mult, min, max, List.copyOf(keys), flush));
            }
            return out;
        }

        List<Label> labels(Object o, String metric, String key) {
            List<Label> out = new ArrayList<>();
            if (o == null) return out;
            List<?> items = list(o, metric, key);
            for (int i = 0; i < items.size(); i++) {
                String at = key + "[" + i + "]";
                Map<String, Object> m = map(items.get(i), metric, at);
                String name = string(m, "name", metric, at);
                if (name.isEmpty()) throw fail(metric, at + ".name", "label lacks name");
                int size = (int) integer(m, "size", metric, at, 0);
                if (size == 0) throw fail(metric, at + ".size", "label " + name + ": size is zero or not set");
                int padding = (int) integer(m, "padding", metric, at, 0);
                List<Decoder> decoders = new ArrayList<>();
                if (m.get("decoders") != null) {
                    List<?> ds = list(m.get("decoders"), metric, at + ".decoders");
                    for (int d = 0; d < ds.size(); d++) decoders.add(decoder(ds.get(d), metric, at + ".decoders[" + d + "]"));
                }
                if (decoders.isEmpty()) throw fail(metric, at + ".decoders", "label " + name + ": no decoders set");
                out.add(new Label(name, size, padding, List.copyOf(decoders)));
            }
            return out;
        }

        Decoder decoder(Object o, String metric, String at) {
            Map<String, Object> m = map(o, metric, at);
            String name = string(m, "name", metric, at);
            if (!DECODERS.contains(name)) throw fail(metric, at + ".name", "unknown decoder \"" + name + "\"");
            Map<String, String> staticMap = null;
            if (m.get("static_map") != null) {
                staticMap = new LinkedHashMap<>();
                for (var e : map(m.get("static_map"), metric, at + ".static_map").entrySet()) {
                    staticMap.put(e.getKey(), String.valueOf(e.getValue()));
                }
            }
            List<String> regexps = null;
            if (m.get("regexps") != null) {
                regexps = new ArrayList<>();
                List<?> rs = list(m.get("regexps"), metric, at + ".regexps");
                for (int i = 0; i < rs.size(); i++) {
                    String re = String.valueOf(rs.get(i));
                    try {
                        java.util.regex.Pattern.compile(re);
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw fail(metric, at + ".regexps[" + i + "]", "bad regexp: " + e.getDescription());
                    }
                    regexps.add(re);
                }
            }
            if (name.equals("regexp") && regexps == null) throw fail(metric, at + ".regexps", "no regexps defined");
            return new Decoder(name, staticMap, regexps, bool(m, "allow_unknown", metric, at));
        }

        /**
         * A Go duration as ebpf_exporter's YAML reads {@code time.Duration}: a string of
         * decimal numbers with units ({@code 1m30s}, {@code 500ms}, {@code 1.5h}), or a bare
         * integer of nanoseconds.
         */
        java.time.Duration duration(Object o, String metric, String key) {
            if (o instanceof Integer || o instanceof Long) return java.time.Duration.ofNanos(((Number) o).longValue());
            java.time.Duration d = goDuration(String.valueOf(o));
            if (d == null) throw fail(metric, key, "bad duration " + describe(o) + " (a Go duration: 10s, 1m30s, 500ms)");
            return d;
        }

        static String describe(Object o) {
            if (o == null) return "nothing";
            if (o instanceof Map) return "a mapping";
            if (o instanceof List) return "a list";
            return "\"" + o + "\"";
        }
    }
}
