package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.BpfException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config reader and the checks of a config against its object, without root. */
class ConfigTest {
    static final String COUNTER = """
            metrics:
              counters:
                - name: exporter_test_getpid_calls_total
                  help: getpid calls per process
                  labels:
                    - name: pid
                      size: 4
                      decoders:
                        - name: uint
            """;

    static final String HISTOGRAM = """
            metrics:
              histograms:
                - name: exporter_test_close_fd
                  help: close() fd arguments per process
                  bucket_type: exp2
                  bucket_min: 20
                  bucket_max: 30
                  labels:
                    - name: pid
                      size: 4
                      decoders:
                        - name: uint
                    - name: bucket
                      size: 4
                      decoders:
                        - name: uint
            """;

    /** Copies the tests' object (src/test/bpf/exporter_test.bpf.c) to DIR/NAME.bpf.o and writes DIR/NAME.yaml. */
    static void write(Path dir, String name, String yaml) throws IOException {
        write(dir, name, yaml, "exporter_test");
    }

    /** Copies the tests' object {@code OBJECT.bpf.o} (of src/test/bpf) to DIR/NAME.bpf.o and writes DIR/NAME.yaml. */
    static void write(Path dir, String name, String yaml, String object) throws IOException {
        try (InputStream in = ConfigTest.class.getResourceAsStream("testbpf/" + object + ".bpf.o")) {
            Files.copy(in, dir.resolve(name + ".bpf.o"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    private static String loadError(Path dir, String name, String yaml) throws IOException {
        write(dir, name, yaml);
        Config c = Config.read(dir, name);
        return assertThrows(BpfException.class, () -> Loaded.load(c, org.bpf4j.LoadOptions.defaults(), new Decoders()))
                .getMessage();
    }

    private static String parseError(Path dir, String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name + ".yaml"), yaml);
        return assertThrows(BpfException.class, () -> Config.read(dir, name)).getMessage();
    }

    @Test
    void readsCountersHistogramsLabelsAndDecoders(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("h.yaml"), HISTOGRAM.replace("exp2", "fixed\n      bucket_keys: [1, 10, 100]") + """
                    - name: other
                      help: linear ones
                      bucket_type: linear
                      bucket_multiplier: 0.5
                      bucket_max: 4
                      labels:
                        - name: kind
                          size: 2
                          padding: 2
                          decoders:
                            - name: static_map
                              static_map: {1: one, 2: two}
                              allow_unknown: true
                            - name: regexp
                              regexps: ["^(o)ne$", "two"]
                        - name: bucket
                          size: 4
                          decoders:
                            - name: uint
                """);
        Config c = Config.read(dir, "h");
        assertEquals(2, c.histograms().size());
        Config.Metric fixed = c.histograms().get(0), lin = c.histograms().get(1);
        assertEquals(Config.BucketType.FIXED, fixed.bucketType());
        assertEquals(java.util.List.of(1.0, 10.0, 100.0), fixed.bucketKeys());
        assertEquals(Config.BucketType.LINEAR, lin.bucketType());
        assertEquals(0.5, lin.multiplier());
        assertEquals(8, lin.keySize());
        Config.Label kind = lin.labels().get(0);
        assertEquals(2, kind.padding());
        assertEquals("one", kind.decoders().get(0).staticMap().get("1"));
        assertEquals(dir.resolve("h.bpf.o"), c.object());
    }

    @Test
    void malformedYamlNamesFileAndLine(@TempDir Path dir) throws IOException {
        String m = parseError(dir, "bad", "metrics:\n  counters:\n    - name: x\n   help: [unclosed\n");
        assertEquals(dir.resolve("bad.yaml") + ":4:4: config bad: malformed YAML: expected <block end>, but found '<block sequence start>'"
                .replace("'<block sequence start>'", m.substring(m.lastIndexOf("found ") + 6)), m);
    }

    @Test
    void rejectsWhatEbpfExporterRejects(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("c.yaml");
        assertEquals(y + ": config c, key metrics: neither metrics nor tracing are defined",
                parseError(dir, "c", "kaddrs: [a]\n"));
        assertEquals(y + ": config c, metric exporter_test_getpid_calls_total, key metrics.counters[0].help: counter lacks help",
                parseError(dir, "c", COUNTER.replace("      help: getpid calls per process\n", "")));
        assertEquals(y + ": config c, metric exporter_test_getpid_calls_total, key metrics.counters[0].labels[0].decoders[0].name:"
                + " unknown decoder \"unit\"", parseError(dir, "c", COUNTER.replace("name: uint", "name: unit")));
        assertEquals(y + ": config c, metric exporter_test_close_fd, key metrics.histograms[0].bucket_type: unknown histogram"
                + " type \"exp3\" (exp2, exp2zero, linear or fixed)", parseError(dir, "c", HISTOGRAM.replace("exp2", "exp3")));
        assertEquals(y + ": config c, metric exporter_test_getpid_calls_total, key metrics.counters[0].labels[0].size:"
                + " label pid: size is zero or not set", parseError(dir, "c", COUNTER.replace("size: 4", "size: 0")));
        assertEquals(y + ": config c, metric exporter_test_close_fd, key metrics.histograms[0].bucket_max: histogram buckets"
                + " have zero size: [bucket_min .. bucket_max] = [20 .. 20]", parseError(dir, "c", HISTOGRAM.replace("30", "20")));
        assertEquals(dir.resolve("none.yaml") + ": config none: no such file",
                assertThrows(BpfException.class, () -> Config.read(dir, "none")).getMessage());
    }

    @Test
    void goDurations() {
        assertEquals(java.time.Duration.ofSeconds(90), Config.goDuration("1m30s"));
        assertEquals(java.time.Duration.ofMillis(500), Config.goDuration("500ms"));
        assertEquals(java.time.Duration.ofMinutes(90), Config.goDuration("1.5h"));
        assertEquals(java.time.Duration.ofNanos(1500), Config.goDuration("1us500ns"));
        assertEquals(java.time.Duration.ZERO, Config.goDuration("0"));
        assertEquals(null, Config.goDuration("10"));
        assertEquals(null, Config.goDuration("soon"));
        assertEquals(null, Config.goDuration("5s later"));
    }

    @Test
    void readsTracingCgroupIdMapAndPerfCounters(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("c.yaml");
        Files.writeString(y, COUNTER.replace("      help:", "      perf_event_array: true\n      flush_interval: 1m\n      help:") + """
                cgroup_id_map:
                  name: ids
                  regexps: [system.slice]
                tracing:
                  spans:
                    - ringbuf: rb
                      service: s
                      labels:
                        - name: trace_id
                          size: 16
                          decoders:
                            - name: hex
                """);
        Config c = Config.read(dir, "c");
        assertEquals(new Config.CgroupIdMap("ids", "hash", java.util.List.of("system.slice")), c.cgroupIdMap());
        assertEquals(java.time.Duration.ofMinutes(1), c.counters().getFirst().flushInterval());
        assertEquals(true, c.counters().getFirst().perfEventArray());
        assertEquals("rb", c.spans().getFirst().ringbuf());
        assertEquals(16, c.spans().getFirst().recordSize());
        assertEquals(y + ": config c, key cgroup_id_map.type: unknown type \"lru\" (hash or cgrp_storage)",
                parseError(dir, "c", COUNTER + "cgroup_id_map:\n  name: x\n  type: lru\n"));
        assertEquals(y + ": config c, key tracing.spans[0].ringbuf: span lacks ringbuf",
                parseError(dir, "c", "tracing:\n  spans:\n    - name: x\n"));
        assertEquals(y + ": config c, metric exporter_test_getpid_calls_total, key metrics.counters[0].flush_interval: bad"
                + " duration \"10\" (a Go duration: 10s, 1m30s, 500ms)".replace("\"10\"", "\"1x\""),
                parseError(dir, "c", COUNTER.replace("      help:", "      flush_interval: 1x\n      help:")));
        assertEquals(y + ": config c, key tracing.spans[0].ringbuf: map exporter_test_getpid_calls_total is a HASH, not a ring buffer",
                loadError(dir, "c", "tracing:\n  spans:\n    - ringbuf: exporter_test_getpid_calls_total\n"));
        assertEquals(y + ": config c, key kaddrs[0]: no kernel symbol no_such_symbol_zz in /proc/kallsyms",
                loadError(dir, "c", COUNTER + "kaddrs: [no_such_symbol_zz]\n"));
    }

    @Test
    void checksTheMapsOfTheObject(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("c.yaml"), o = dir.resolve("c.bpf.o");
        assertEquals(y + ": config c, metric missing_total, key metrics.counters[0].name: no map missing_total in " + o
                + " (a metric reads the map of its name)",
                loadError(dir, "c", COUNTER.replace("exporter_test_getpid_calls_total", "missing_total")));
        assertEquals(y + ": config c, metric exporter_test_small_value, key metrics.counters[0]: the value of map"
                + " exporter_test_small_value is 4 bytes, not a u64 (8 bytes)",
                loadError(dir, "c", COUNTER.replace("exporter_test_getpid_calls_total", "exporter_test_small_value")));
        assertEquals(y + ": config c, metric exporter_test_getpid_calls_total, key metrics.counters[0].labels: the labels'"
                + " sizes and paddings add up to 8 bytes, but the key of map exporter_test_getpid_calls_total is 4 bytes",
                loadError(dir, "c", COUNTER.replace("size: 4", "size: 8")));
        assertEquals(y + ": config c, metric exporter_test_close_fd, key metrics.histograms[0].labels: the labels'"
                + " sizes and paddings add up to 12 bytes, but the key of map exporter_test_close_fd is 8 bytes",
                loadError(dir, "c", HISTOGRAM.replaceFirst("size: 4", "size: 4\n          padding: 4")));
    }
}
