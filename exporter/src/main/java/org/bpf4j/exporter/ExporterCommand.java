package org.bpf4j.exporter;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bpf4j.BpfException;
import org.bpf4j.LoadOptions;
import org.bpf4j.Signals;
import org.bpf4j.btf.Btf;
import sun.misc.Signal;

/**
 * {@code bpf4j exporter}: ebpf_exporter's command line ({@code --config.dir}, {@code --config.names},
 * {@code --btf.path}, {@code --web.listen-address}, default 127.0.0.1:9435) serving the configs'
 * metrics at {@code /metrics} (text or OpenMetrics, as asked) and their state at {@code /}.
 * SIGHUP reloads the configs; SIGTERM and SIGINT detach everything and exit 0. Started by the
 * tools' Main, which finds this class on the class path.
 */
public final class ExporterCommand {
    private ExporterCommand() {}

    static final String USAGE = """
            usage: bpf4j exporter [--config.dir DIR] --config.names NAME[,NAME...] [--web.listen-address HOST:PORT]
                                  [--btf.path PATH] [--metrics.prefix PREFIX]
              --config.dir DIR          the directory of the configs: NAME.yaml and NAME.bpf.o
              --config.names A,B        the configs to load; syscount, biolatency and runqlat
                                        are built in (used when DIR has no config of the name)
              --web.listen-address H:P  where to serve /metrics and / (default 127.0.0.1:9435,
                                        loopback: listening elsewhere exposes kernel data)
              --btf.path PATH           the kernel's BTF for CO-RE: a file, or a directory of
                                        RELEASE.btf files (default: /sys/kernel/btf/vmlinux)
              --metrics.prefix PREFIX   the metric names' prefix (default ebpf_exporter_)
              --otlp.endpoint URL       also push the metrics over OTLP/HTTP to URL (/v1/metrics)
              --otlp.interval DURATION  how often to push (default 15s)
            """;

    /** The parsed options. */
    record Options(Path dir, List<String> names, String host, int port, Path btf, String prefix, String otlpEndpoint,
            java.time.Duration otlpInterval) {
        Options(Path dir, List<String> names, String host, int port, Path btf, String prefix) {
            this(dir, names, host, port, btf, prefix, null, OTLP_INTERVAL);
        }
    }

    static final java.time.Duration OTLP_INTERVAL = java.time.Duration.ofSeconds(15);

    static Options parse(String[] args) {
        Path dir = null;
        List<String> names = new ArrayList<>();
        String listen = "127.0.0.1:9435", prefix = "ebpf_exporter_";
        Path btf = null;
        String otlp = null;
        java.time.Duration otlpInterval = OTLP_INTERVAL;
        for (int i = 1; i < args.length; i++) {
            String a = args[i], v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (a.equals("--help") || a.equals("-h")) return null;
            if (!List.of("--config.dir", "--config.names", "--web.listen-address", "--btf.path", "--metrics.prefix",
                    "--otlp.endpoint", "--otlp.interval").contains(a)) {
                throw new Usage("unknown option " + a);
            }
            if (v == null) {
                if (++i >= args.length) throw new Usage(a + " needs a value");
                v = args[i];
            }
            switch (a) {
                case "--config.dir" -> dir = Path.of(v);
                case "--config.names" -> {
                    for (String n : v.split(",")) if (!n.isBlank()) names.add(n.trim());
                }
                case "--web.listen-address" -> listen = v;
                case "--btf.path" -> btf = Path.of(v);
                case "--otlp.endpoint" -> {
                    if (!v.startsWith("http://") && !v.startsWith("https://")) {
                        throw new Usage("--otlp.endpoint " + v + ": expected an http:// or https:// URL (OTLP/HTTP)");
                    }
                    otlp = v;
                }
                case "--otlp.interval" -> {
                    otlpInterval = Config.goDuration(v);
                    if (otlpInterval == null) throw new Usage("--otlp.interval " + v + ": expected a duration such as 15s, 1m or 500ms");
                    if (otlpInterval.isNegative() || otlpInterval.isZero()) throw new Usage("--otlp.interval " + v + ": must be positive");
                }
                default -> prefix = v;
            }
        }
        if (dir == null) {
            for (String n : names) {
                if (!Config.BUILT_IN.contains(n)) throw new Usage("--config.dir is required for config " + n + " (built in: "
                        + String.join(",", Config.BUILT_IN) + ")");
            }
        }
        if (names.isEmpty()) throw new Usage("--config.names is required");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) throw new Usage("--web.listen-address " + listen + ": expected HOST:PORT");
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new Usage("--web.listen-address " + listen + ": bad port");
        }
        return new Options(dir, names, host.isEmpty() ? "0.0.0.0" : host, port, btf, prefix, otlp, otlpInterval);
    }

    /** A usage error (exit 2). */
    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(String m) {
            super(m);
        }
    }

    /** The load options of {@code --btf.path}: a BTF file, or a directory holding {@code $(uname -r).btf}. */
    static LoadOptions loadOptions(Path btf) {
        LoadOptions o = LoadOptions.defaults();
        if (btf == null) return o;
        Path file = btf;
        if (Files.isDirectory(btf)) {
            String release = System.getProperty("os.version");
            file = btf.resolve(release + ".btf");
            if (!Files.isRegularFile(file)) throw new BpfException("--btf.path " + btf + ": no " + release + ".btf in it");
        }
        return o.withTargetBtf(Btf.read(file));
    }

    /** Runs the exporter until SIGTERM/SIGINT; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (Usage e) {
            err.println("bpf4j exporter: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (o == null) {
            out.print(USAGE);
            return 0;
        }
        try {
            return serve(o, out, err, new CountDownLatch(1));
        } catch (BpfException e) {
            err.println("bpf4j exporter: " + e.getMessage());
            return 1;
        }
    }

    /** Serves until {@code stop} opens or a SIGTERM/SIGINT; SIGHUP reloads. */
    static int serve(Options o, PrintStream out, PrintStream err, CountDownLatch stop) {
        LoadOptions lo = loadOptions(o.btf());
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        try (Exporter exporter = new Exporter(o.dir(), o.names(), lo, o.prefix(), err)) {
            exporter.load();
            registry.register(exporter);
            if (o.otlpEndpoint() != null) OtlpPush.oneLineLogs(err);
            OtlpPush otlp = o.otlpEndpoint() == null ? null : new OtlpPush(o.otlpEndpoint(), o.otlpInterval(), exporter);
            HTTPServer server;
            try {
                // /metrics is ours (responses shared by concurrent scrapes); client_java's own handler
                // stays at /metrics/direct
                Scrapes scrapes = new Scrapes(registry);
                server = HTTPServer.builder().hostname(o.host()).port(o.port()).registry(registry)
                        .metricsHandlerPath("/metrics/direct")
                        .defaultHandler(x -> {
                            if (x.getRequestURI().getPath().equals("/metrics")) scrapes.handle(x);
                            else page(x, exporter);
                        }).buildAndStart();
            } catch (IOException e) {
                throw new BpfException("--web.listen-address " + o.host() + ":" + o.port() + ": " + e.getMessage());
            }
            AtomicBoolean reload = new AtomicBoolean();
            Signals.unignore(Signals.SIGINT);
            Signals.unignore(Signals.SIGTERM);
            Signal hup = new Signal("HUP"), term = new Signal("TERM"), intr = new Signal("INT");
            Object lock = new Object();
            var oldHup = Signal.handle(hup, s -> {
                reload.set(true);
                synchronized (lock) {
                    lock.notifyAll();
                }
            });
            var oldTerm = Signal.handle(term, s -> stop.countDown());
            var oldInt = Signal.handle(intr, s -> stop.countDown());
            Thread reloader = Thread.ofPlatform().daemon().name("exporter-reload").start(() -> {
                while (stop.getCount() > 0) {
                    synchronized (lock) {
                        try {
                            lock.wait(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (reload.getAndSet(false)) {
                        err.println("bpf4j exporter: SIGHUP: reloading configs");
                        exporter.load();
                    }
                }
            });
            out.println("bpf4j exporter: listening on " + o.host() + ":" + server.getPort() + " (" + o.names().size() + " configs)");
            out.flush();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                reloader.interrupt();
                server.close();
                if (otlp != null) otlp.close();
                Signal.handle(hup, oldHup);
                Signal.handle(term, oldTerm);
                Signal.handle(intr, oldInt);
            }
        }
        return 0;
    }

    private static void page(HttpExchange x, Exporter exporter) throws IOException {
        try (x) {
            byte[] body = exporter.page().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            try (OutputStream os = x.getResponseBody()) {
                os.write(body);
            }
        }
    }
}
