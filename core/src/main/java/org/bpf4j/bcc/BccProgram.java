package org.bpf4j.bcc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.BpfObject;
import org.bpf4j.BpfProgram;
import org.bpf4j.MapType;
import org.bpf4j.ObjectSpec;
import org.bpf4j.BpfLink;
import org.bpf4j.link.Tracefs;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.perf.PerfBufReader;
import org.bpf4j.perf.SampleHandler;
import org.bpf4j.ringbuf.RecordHandler;
import org.bpf4j.ringbuf.RingBufReader;

/**
 * A loaded BCC-style program with BCC's Python surface: {@code b["counts"]} is
 * {@link #table(String)}, {@code b["events"].open_perf_buffer(cb)} is
 * {@code perfBuffer("events").open(decoder, handler)}, {@code b.perf_buffer_poll()} is
 * {@link #perfBufferPoll(int)}, {@code b.trace_print()} is {@link #tracePrint()},
 * {@code b.attach_kprobe(event=..., fn_name=...)} is {@link #kprobe(String, String)}. Closing it
 * detaches and closes everything: links, readers, programs, maps.
 */
public final class BccProgram implements AutoCloseable {
    private final BpfObject object;
    private final List<BpfLink> links = new ArrayList<>();
    private final List<PerfBufReader> perfReaders = new ArrayList<>();
    private RingBufReader ringReader;
    private Thread tracePipeReader;
    private FileChannel tracePipe;
    private final BlockingQueue<String> traceLines = new LinkedBlockingQueue<>(65536);

    private BccProgram(BpfObject object) {
        this.object = object;
    }

    /**
     * Loads {@code spec} and attaches the programs whose sections say where (kprobe__..., TRACEPOINT_PROBE, ...).
     *
     * @param spec the compiled object
     * @return the program, owning the object and its links; the caller closes it
     */
    public static BccProgram load(ObjectSpec spec) {
        BpfObject obj = spec.load();
        try {
            BccProgram p = new BccProgram(obj);
            p.links.addAll(obj.attachAll());
            return p;
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /**
     * The loaded object.
     *
     * @return the object, owned by this program
     */
    public BpfObject object() {
        return object;
    }

    /**
     * The links made so far, auto-attached ones first.
     *
     * @return a snapshot of the links, owned by this program
     */
    public List<BpfLink> links() {
        return List.copyOf(links);
    }

    /**
     * {@code b["name"]}: a map of the program.
     *
     * @param name the map's name
     * @return the table
     * @throws org.bpf4j.NoSuchObjectException if there is no such map
     */
    public BccTable table(String name) {
        return new BccTable(object.map(name), object.spec().btf());
    }

    /**
     * The maps of the program that hold entries to list (hash, array, LRU and per-CPU maps,
     * histograms; not perf or ring buffers, stack traces, .rodata/.bss), in declaration order.
     *
     * @return the tables
     */
    public List<BccTable> tables() {
        List<BccTable> out = new ArrayList<>();
        for (Map.Entry<String, BpfMap> e : object.maps().entrySet()) {
            if (e.getValue().spec().kind() != org.bpf4j.MapSpec.Kind.USER || !BccTable.listable(e.getValue())) continue;
            out.add(new BccTable(e.getValue(), object.spec().btf()));
        }
        return out;
    }

    /**
     * {@code b["name"]} as a perf buffer, to open: {@code perfBuffer("events").open(decoder, handler)}.
     *
     * @param name the {@code BPF_PERF_OUTPUT}'s name
     * @return the buffer, to open
     * @throws BpfException if the map is not a perf event array
     */
    public PerfBuffer perfBuffer(String name) {
        BpfMap m = object.map(name);
        if (m.type() != MapType.PERF_EVENT_ARRAY) {
            throw new BpfException("map '" + name + "' is a " + m.type() + " map, not a BPF_PERF_OUTPUT");
        }
        return new PerfBuffer(m);
    }

    /** A perf buffer not yet opened. */
    public final class PerfBuffer {
        private final BpfMap map;

        private PerfBuffer(BpfMap map) {
            this.map = map;
        }

        /**
         * Like {@code open_perf_buffer(callback)}: records decoded by {@code decoder}, then to {@code handler} with the
         * CPU.
         *
         * @param <T> the decoded type
         * @param decoder decodes each sample
         * @param handler receives each value with its CPU number, during {@link #perfBufferPoll}
         */
        public <T> void open(RecordDecoder<? extends T> decoder, ObjIntConsumer<? super T> handler) {
            perfReaders.add(PerfBufReader.builder(map).open(decoder, handler));
        }

        /**
         * Raw samples, as BCC's {@code callback(cpu, data, size)}.
         *
         * @param handler receives each sample, during {@link #perfBufferPoll}
         */
        public void open(SampleHandler handler) {
            perfReaders.add(PerfBufReader.of(map, handler));
        }
    }

    /**
     * {@code b.perf_buffer_poll(timeout)}: waits up to {@code timeoutMs} (negative: forever) for
     * records of any opened perf buffer and hands them to their handlers; returns how many.
     *
     * @param timeoutMs the most milliseconds to wait; negative for no limit
     * @return the number of records handed out
     * @throws BpfException if no perf buffer was opened
     */
    public int perfBufferPoll(int timeoutMs) {
        if (perfReaders.isEmpty()) throw new BpfException("no perf buffer opened: call perfBuffer(name).open(...) first");
        int n = perfReaders.get(0).poll(timeoutMs);
        for (int i = 1; i < perfReaders.size(); i++) n += perfReaders.get(i).poll(0);
        return n;
    }

    /**
     * {@code b["name"]} as a ring buffer, to open: {@code ringBuffer("rb").open(decoder, handler)}.
     *
     * @param name the {@code BPF_RINGBUF_OUTPUT}'s name
     * @return the buffer, to open
     * @throws BpfException if the map is not a ring buffer
     */
    public RingBuffer ringBuffer(String name) {
        BpfMap m = object.map(name);
        if (m.type() != MapType.RINGBUF) {
            throw new BpfException("map '" + name + "' is a " + m.type() + " map, not a BPF_RINGBUF_OUTPUT");
        }
        return new RingBuffer(m);
    }

    /** A ring buffer not yet opened. */
    public final class RingBuffer {
        private final BpfMap map;

        private RingBuffer(BpfMap map) {
            this.map = map;
        }

        /**
         * Like {@code open_ring_buffer(callback)}.
         *
         * @param <T> the decoded type
         * @param decoder decodes each record
         * @param handler receives each value, during {@link #ringBufferPoll}
         */
        public <T> void open(RecordDecoder<? extends T> decoder, Consumer<? super T> handler) {
            ring().add(map, decoder, handler);
        }

        /**
         * Raw records.
         *
         * @param handler receives each record, during {@link #ringBufferPoll}
         */
        public void open(RecordHandler handler) {
            ring().add(map, handler);
        }
    }

    private RingBufReader ring() {
        if (ringReader == null) ringReader = new RingBufReader();
        return ringReader;
    }

    /**
     * {@code b.ring_buffer_poll(timeout)}: like {@link #perfBufferPoll}, for the opened ring buffers.
     *
     * @param timeoutMs the most milliseconds to wait; negative for no limit
     * @return the number of records handed out
     * @throws BpfException if no ring buffer was opened
     */
    public int ringBufferPoll(int timeoutMs) {
        if (ringReader == null) throw new BpfException("no ring buffer opened: call ringBuffer(name).open(...) first");
        return ringReader.poll(timeoutMs);
    }

    /**
     * {@code b.attach_kprobe(event=function, fn_name=program)}.
     *
     * @param function the kernel function
     * @param program the BPF function's name
     * @return the link, owned by this program
     */
    public BpfLink kprobe(String function, String program) {
        return track(prog(program).attachKprobe(function));
    }

    /**
     * {@code b.attach_kretprobe(event=function, fn_name=program)}.
     *
     * @param function the kernel function
     * @param program the BPF function's name
     * @return the link, owned by this program
     */
    public BpfLink kretprobe(String function, String program) {
        return track(prog(program).attachKretprobe(function));
    }

    /**
     * {@code b.attach_tracepoint(tp="category:event", fn_name=program)}; "category/event" also works.
     *
     * @param tracepoint the tracepoint, {@code category:event}
     * @param program the BPF function's name
     * @return the link, owned by this program
     */
    public BpfLink attachTracepoint(String tracepoint, String program) {
        int sep = tracepoint.indexOf(':') > 0 ? tracepoint.indexOf(':') : tracepoint.indexOf('/');
        if (sep <= 0 || sep == tracepoint.length() - 1) {
            throw new BpfException("tracepoint '" + tracepoint + "' is not category:event");
        }
        return track(prog(program).attachTracepoint(tracepoint.substring(0, sep), tracepoint.substring(sep + 1)));
    }

    /**
     * {@code b.attach_raw_tracepoint(tp=event, fn_name=program)}.
     *
     * @param event the tracepoint's name
     * @param program the BPF function's name
     * @return the link, owned by this program
     */
    public BpfLink attachRawTracepoint(String event, String program) {
        return track(prog(program).attachRawTracepoint(event));
    }

    private BpfProgram prog(String name) {
        return object.program(name);
    }

    private BpfLink track(BpfLink l) {
        links.add(l);
        return l;
    }

    /**
     * {@code b.trace_print()}: copies the kernel's trace_pipe ({@code bpf_trace_printk} output,
     * system-wide, as in BCC) to {@code out} while {@code running} says so.
     *
     * @param out where the lines go
     * @param running checked before each line; the copy stops when it answers false
     */
    public void tracePrint(PrintStream out, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            String line = traceLine(100);
            if (line != null) out.println(line);
        }
    }

    /** {@code b.trace_print()}: trace_pipe to standard output, until the thread is interrupted. */
    public void tracePrint() {
        tracePrint(System.out, () -> !Thread.currentThread().isInterrupted());
    }

    /**
     * The next line of trace_pipe, waiting up to {@code timeoutMs}, or null. The first call starts
     * a daemon thread that reads trace_pipe (reads there block and consume the lines for every
     * reader of the system).
     *
     * @param timeoutMs the most milliseconds to wait
     * @return the line, or null on timeout
     */
    public synchronized String traceLine(int timeoutMs) {
        if (tracePipeReader == null) {
            var pipe = Tracefs.root().resolve("trace_pipe");
            try {
                // a channel, so that close() wakes the reader blocked in read()
                tracePipe = FileChannel.open(pipe, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new BpfException("cannot open " + pipe + ": " + e.getMessage(), e);
            }
            FileChannel ch = tracePipe;
            tracePipeReader = Thread.ofPlatform().daemon().name("bpf4j-trace-pipe").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) if (!l.isBlank()) traceLines.offer(l);
                } catch (IOException e) {
                    if (ch.isOpen()) traceLines.offer("bpf4j: cannot read " + pipe + ": " + e.getMessage());
                }
            });
        }
        try {
            return traceLines.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Detaches and closes everything. */
    @Override
    public void close() {
        synchronized (this) {
            if (tracePipe != null) {
                try {
                    tracePipe.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }
        }
        for (PerfBufReader r : perfReaders) r.close();
        if (ringReader != null) ringReader.close();
        for (BpfLink l : links) l.close();
        object.close();
    }
}
