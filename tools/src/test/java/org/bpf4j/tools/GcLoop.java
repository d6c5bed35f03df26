package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/** A test JVM: says "ready", waits for a line, calls System.gc() N times, says "done", waits for end of input. */
public final class GcLoop {
    private GcLoop() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        System.out.flush();
        in.readLine();
        for (int i = 0; i < n; i++) System.gc();
        System.out.println("done");
        System.out.flush();
        while (in.readLine() != null) {
            // until the test closes our input
        }
    }
}
