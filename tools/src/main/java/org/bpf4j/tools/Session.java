package org.bpf4j.tools;

import java.time.LocalTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The life of a tracing command between attach and exit: Ctrl+C (a JVM shutdown hook) or an
 * interrupt of the command's thread asks it to stop; the hook then waits for the command to print
 * what it has and detach, as libbpf-tools do on SIGINT.
 */
final class Session implements AutoCloseable {
    private volatile boolean stopRequested;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private final Thread owner = Thread.currentThread();

    /** On Ctrl+C, once the command is done, {@code out} is flushed and the JVM exits with 0, as libbpf-tools do. */
    Session(String name, java.io.PrintStream out) {
        hook = new Thread(() -> {
            stopRequested = true;
            try {
                if (done.await(5, TimeUnit.SECONDS)) {
                    out.flush();
                    Runtime.getRuntime().halt(0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** False once Ctrl+C came or the command's thread was interrupted. */
    boolean running() {
        return !stopRequested && !owner.isInterrupted();
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl+C: the hook is running and waits for `done`
        }
    }

    /** {@code HH:MM:SS} of the local time, as strftime's {@code %H:%M:%S}. */
    static String clock() {
        LocalTime t = LocalTime.now();
        return two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
