package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.tools.Main;
import org.junit.jupiter.api.Test;

/** {@code bpf4j exporter}'s command line, through the tools' Main (which finds this module by reflection). */
class CommandTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int s = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpAndUsageErrors() {
        Run help = run("exporter", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().startsWith("usage: bpf4j exporter [--config.dir DIR] --config.names"), help.out());
        Run none = run("exporter", "--config.names", "a");
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("bpf4j exporter: --config.dir is required for config a (built in:"
                + " syscount,biolatency,runqlat)\n"), none.err());
        Run port = run("exporter", "--config.dir", "/x", "--config.names", "a", "--web.listen-address", "localhost");
        assertEquals(2, port.status());
        assertTrue(port.err().startsWith("bpf4j exporter: --web.listen-address localhost: expected HOST:PORT\n"), port.err());
        Run unknown = run("exporter", "--bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("bpf4j exporter: unknown option --bogus\n"), unknown.err());
    }

    @Test
    void builtInConfigsNeedNoDirectory() {
        var o = ExporterCommand.parse(new String[] {"exporter", "--config.names", "syscount,biolatency,runqlat"});
        assertEquals(List.of("syscount", "biolatency", "runqlat"), o.names());
        assertEquals(null, o.dir());
        for (String n : Config.BUILT_IN) {
            Config c = Config.read(null, n);
            assertTrue(java.nio.file.Files.isRegularFile(c.object()), c.object().toString());
            assertEquals(n, c.name());
        }
        assertEquals(List.of("syscount_calls_total", "syscount_errors_total"),
                Config.read(null, "syscount").counters().stream().map(Config.Metric::name).toList());
    }

    @Test
    void otlpOptions() {
        var o = ExporterCommand.parse(new String[] {"exporter", "--config.names", "syscount", "--otlp.endpoint",
                "http://127.0.0.1:4318", "--otlp.interval=1m30s"});
        assertEquals("http://127.0.0.1:4318", o.otlpEndpoint());
        assertEquals(java.time.Duration.ofSeconds(90), o.otlpInterval());
        assertEquals(java.time.Duration.ofMillis(500), ExporterCommand.parse(new String[] {"exporter", "--config.names", "runqlat",
                "--otlp.interval", "500ms"}).otlpInterval());
        Run bad = run("exporter", "--config.names", "syscount", "--otlp.endpoint", "localhost:4318");
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("bpf4j exporter: --otlp.endpoint localhost:4318: expected an http:// or https:// URL"
                + " (OTLP/HTTP)\n"), bad.err());
        Run soon = run("exporter", "--config.names", "syscount", "--otlp.interval", "soon");
        assertEquals(2, soon.status());
        assertTrue(soon.err().startsWith("bpf4j exporter: --otlp.interval soon: expected a duration such as 15s, 1m or 500ms\n"),
                soon.err());
    }

    @Test
    void defaultsAreEbpfExportersOnLoopback() {
        var o = ExporterCommand.parse(new String[] {"exporter", "--config.dir=/etc/x", "--config.names", "a,b"});
        assertEquals(new ExporterCommand.Options(Path.of("/etc/x"), List.of("a", "b"), "127.0.0.1", 9435, null,
                "ebpf_exporter_", null, java.time.Duration.ofSeconds(15)), o);
    }
}
