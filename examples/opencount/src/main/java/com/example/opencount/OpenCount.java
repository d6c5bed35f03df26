package com.example.opencount;

import com.example.opencount.bpf.OpencountSkeleton;
import java.util.Map;
import org.bpf4j.ringbuf.RingBufReader;

/** {@code OpenCount [SECONDS [PID]]}: prints every openat() (of PID) for SECONDS (5), then the calls per process. */
public final class OpenCount {
    private OpenCount() {}

    public static void main(String[] args) {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        try (OpencountSkeleton skel = OpencountSkeleton.open()) {
            if (args.length > 1) skel.rodata().targetPid(Integer.parseInt(args[1]));
            skel.load();
            skel.attach();
            try (RingBufReader events = skel.events(e -> System.out.printf("%-7d %-16s %s%n", e.pid(), e.comm(), e.filename()))) {
                System.out.println("PID     COMM             FILE");
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) events.poll(100);
            }
            System.out.println("PID     OPENAT");
            for (Map.Entry<Integer, Long> c : skel.counts().toMap().entrySet()) {
                System.out.printf("%-7d %d%n", c.getKey(), c.getValue());
            }
        }
    }
}
