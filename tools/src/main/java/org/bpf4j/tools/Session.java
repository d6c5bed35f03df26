package org.bpf4j.tools;

import java.time.LocalTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bpf4j.Signals;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The life of a tracing tool between attach and exit. SIGINT (Ctrl+C) and SIGTERM ask it to stop,
 * as libbpf-tools' handler does: the tool prints its last report, detaches and exits 0. The
 * handlers are installed even when the signals came ignored (the background of a non-interactive
 * shell, where the JVM would install none), and the previous ones are put back on close. An
 * interrupt of the tool's thread stops it too (the in-process tests).
 */
final class Session implements AutoCloseable {
    private static final Signal INT = new Signal("INT"), TERM = new Signal("TERM");

    /** A signal that came before the session began (see {@link #armEarly()}). */
    private static volatile boolean stopAsked;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread owner = Thread.currentThread();
    private final SignalHandler oldInt, oldTerm;

    Session() {
        Signals.unignore(Signals.SIGINT);
        Signals.unignore(Signals.SIGTERM);
        SignalHandler h = sig -> stop();
        oldInt = Signal.handle(INT, h);
        oldTerm = Signal.handle(TERM, h);
        if (stopAsked) stop();
    }

    /**
     * Installs the handlers before the session begins, for a tool's process: a SIGINT or SIGTERM
     * while the tool starts up (JVM start, load, attach) is kept, and the session stops as soon as
     * it begins (the tool prints its report and exits 0).
     */
    static void armEarly() {
        Signals.unignore(Signals.SIGINT);
        Signals.unignore(Signals.SIGTERM);
        SignalHandler h = sig -> stopAsked = true;
        Signal.handle(INT, h);
        Signal.handle(TERM, h);
    }

    /** Asks the tool to stop. */
    void stop() {
        stop.countDown();
    }

    /** False once a signal came, {@link #stop()} was called or the tool's thread was interrupted. */
    boolean running() {
        return stop.getCount() > 0 && !owner.isInterrupted();
    }

    /** Waits up to {@code millis}, or less when asked to stop; returns {@link #running()}. */
    boolean pause(long millis) {
        try {
            stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            owner.interrupt();
        }
        return running();
    }

    /**
     * libbpf-tools' report loop: every {@code interval} seconds a report, {@code times} reports at
     * most, and a last one when asked to stop.
     */
    void every(long intervalSeconds, long times, Runnable report) {
        while (true) {
            boolean stopped = !pause(intervalSeconds * 1000);
            report.run();
            if (stopped || --times == 0) break;
        }
    }

    @Override
    public void close() {
        Signal.handle(INT, oldInt);
        Signal.handle(TERM, oldTerm);
        stopAsked = false;
    }

    /** {@code HH:MM:SS} of the local time, as strftime's {@code %H:%M:%S}. */
    static String clock() {
        LocalTime t = LocalTime.now();
        return two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /**
     * The start of an interval report of libbpf-tools' histogram tools: a blank line, then with
     * {@code -T} the time ({@code %-8s}); nothing with --json. Returns the time, or null without -T.
     */
    static String reportHead(StringBuilder sb, boolean timestamp, boolean json) {
        String ts = timestamp ? clock() : null;
        if (!json) {
            sb.append('\n');
            if (ts != null) sb.append(ts).append('\n');
        }
        return ts;
    }
}
