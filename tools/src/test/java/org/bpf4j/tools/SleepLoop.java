package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/** Test workload run as a child process: waits for "go", sleeps 1 ms exactly N times, exits. */
public final class SleepLoop {
    private SleepLoop() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        if (!"go".equals(in.readLine())) System.exit(3);
        for (int i = 0; i < n; i++) Thread.sleep(1);
        System.out.println("done");
        System.out.flush();
    }
}
