package org.bpf4j.exporter;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics}: the registry written in the format the request asks for (Prometheus text,
 * OpenMetrics, protobuf, as client_java negotiates it), gzipped when accepted. Scrapes that
 * arrive while a response of their format is being made share it (single flight): with many
 * scrapers the maps are read and the text written once per round instead of once per scraper,
 * and every scrape gets a response made after it arrived or while it waited.
 */
final class Scrapes {
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final ConcurrentHashMap<String, CompletableFuture<Body>> inflight = new ConcurrentHashMap<>();

    /** A response body, and its gzipped form once a scrape asked for it. */
    static final class Body {
        final String contentType;
        final byte[] bytes;
        private byte[] gzipped;

        Body(String contentType, byte[] bytes) {
            this.contentType = contentType;
            this.bytes = bytes;
        }

        synchronized byte[] gzipped() throws IOException {
            if (gzipped == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
                try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                    gz.write(bytes);
                }
                gzipped = out.toByteArray();
            }
            return gzipped;
        }
    }

    Scrapes(PrometheusRegistry registry) {
        this.registry = registry;
    }

    Body body(String accept) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        String type = writer.getContentType();
        CompletableFuture<Body> mine = new CompletableFuture<>(), running = inflight.putIfAbsent(type, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                throw e;
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
            writer.write(out, registry.scrape());
            Body b = new Body(type, out.toByteArray());
            mine.complete(b);
            return b;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(type, mine);
        }
    }

    void handle(HttpExchange x) throws IOException {
        try (x) {
            Body b;
            try {
                b = body(x.getRequestHeaders().getFirst("Accept"));
            } catch (RuntimeException | IOException e) {
                byte[] msg = ("error collecting metrics: " + e + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                x.sendResponseHeaders(500, msg.length);
                try (OutputStream os = x.getResponseBody()) {
                    os.write(msg);
                }
                return;
            }
            String enc = x.getRequestHeaders().getFirst("Accept-Encoding");
            boolean gzip = enc != null && enc.contains("gzip");
            byte[] data;
            try {
                data = gzip ? b.gzipped() : b.bytes;
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            x.getResponseHeaders().set("Content-Type", b.contentType);
            if (gzip) x.getResponseHeaders().set("Content-Encoding", "gzip");
            boolean head = x.getRequestMethod().equals("HEAD");
            x.sendResponseHeaders(200, head ? -1 : data.length);
            if (!head) {
                try (OutputStream os = x.getResponseBody()) {
                    os.write(data);
                }
            }
        }
    }
}
