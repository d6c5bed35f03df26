package org.bpf4j.jfr;

import java.lang.instrument.Instrumentation;
import org.bpf4j.BpfException;
import org.bpf4j.PermissionException;

/**
 * {@code -javaagent:bpf4j-jfr-VERSION-agent.jar[=options]}: traces this JVM into its recordings
 * ({@link BpfJfr#start}). When it cannot (no privileges, no BTF), it writes one line to stderr,
 * naming what is missing, and the application runs on.
 */
public final class Agent {
    private Agent() {}

    private static volatile BpfJfr running;

    public static void premain(String options, Instrumentation inst) {
        start(options);
    }

    public static void agentmain(String options, Instrumentation inst) {
        start(options);
    }

    static synchronized void start(String options) {
        if (running != null) return;
        try {
            running = BpfJfr.start(options);
        } catch (PermissionException e) {
            System.err.println("bpf4j-jfr: kernel events off: missing capability " + e.capability()
                    + "; the application runs on without them");
        } catch (BpfException e) {
            System.err.println("bpf4j-jfr: kernel events off: " + oneLine(e));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("bpf4j-jfr: kernel events off: " + e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
