package org.bpf4j.jfr;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import jdk.jfr.Recording;

/**
 * The JVM the agent tests run ({@code -javaagent:...}): a recording of the bpf4j events while one
 * thread ({@code bpf4j-sleeper}) sleeps 20 times 50 ms and another ({@code bpf4j-opener}) opens and
 * reads a file 100 times; then the recording is dumped to {@code args[0]}. It prints the same lines
 * with and without the agent.
 */
public final class AgentApp {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]), file = Path.of(args[1]);
        try (Recording r = new Recording()) {
            r.enable("bpf4j.OffCpu");
            r.enable("bpf4j.FileOpen");
            r.enable("bpf4j.Syscall");
            r.enable("bpf4j.Dropped");
            r.start();
            Thread sleeper = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }
            }, "bpf4j-sleeper");
            long[] bytes = new long[1];
            Thread opener = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    try (InputStream in = new FileInputStream(file.toFile())) {
                        bytes[0] += in.readAllBytes().length;
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }, "bpf4j-opener");
            sleeper.start();
            opener.start();
            sleeper.join();
            opener.join();
            // no wait: at the end of the recording's chunk, the agent commits what the kernel sent
            r.stop();
            r.dump(out);
            System.out.println("slept 20 times, read " + bytes[0] + " bytes");
        }
    }
}
