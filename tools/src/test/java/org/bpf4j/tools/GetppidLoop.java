package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * Test workload run as a child process: warms up, waits for "go", makes exactly N getppid() calls,
 * exits. The warm-up (before "ready", so before anything traces it) links and compiles the system call
 * path: cold, under the kernel matrix's emulated CPU, the first calls took seconds, past syscount's
 * -d window.
 */
public final class GetppidLoop {
    private GetppidLoop() {}

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < 20_000; i++) Native.call(SysNr.GETPPID, 0);
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        if (!"go".equals(in.readLine())) System.exit(3);
        for (int i = 0; i < n; i++) Native.call(SysNr.GETPPID, 0);
        System.out.println("done");
        System.out.flush();
    }
}
