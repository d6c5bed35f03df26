package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bpf4j.MapType;
import org.bpf4j.map.MapView;
import org.bpf4j.map.RecordDecoder;
import org.bpf4j.ringbuf.RingBufReader;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.KernelTests;
import org.bpf4j.tools.testbpf.SkelWorkloadSkeleton;
import org.bpf4j.tools.testbpf.SkelWorkloadSkeleton.CallKey;
import org.bpf4j.tools.testbpf.SkelWorkloadSkeleton.CallStats;
import org.bpf4j.tools.testbpf.SkelWorkloadSkeleton.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The skeleton that bpf4j-maven-plugin generated for src/test/bpf/skel_workload.bpf.c, against
 * the kernel and a known workload: a child process makes exactly N getppid() calls; the program
 * counts them in a hash map with struct keys and values, and sends a struct event per call (to a
 * ring buffer, read with bpf4j's ring buffer reader and the skeleton's record codec, and to a
 * hash map by sequence number, which the ring buffer's events must equal one by one).
 */
class SkeletonKernelTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
    }

    @Test
    void structKeysAndEventsOfAKnownWorkload() throws Exception {
        int n = 2000;
        int getppid = SysNr.GETPPID;
        Process child = SyscountTest.startGetppidChild(n);
        List<Event> streamed = new ArrayList<>();
        try (SkelWorkloadSkeleton skel = SkelWorkloadSkeleton.open()) {
            int tgid = (int) child.pid();
            skel.rodata().targetTgid(tgid).eventNr(getppid);
            assertEquals(tgid, skel.rodata().targetTgid());
            assertEquals(1 << 20, skel.eventsSpec().maxEntries());
            skel.load();
            RingBufReader reader = RingBufReader.of(skel.events(), RecordDecoder.of(Event.CODEC), streamed::add);
            assertEquals(1, skel.attach().size());
            IllegalStateException ro = assertThrows(IllegalStateException.class, () -> skel.rodata().targetTgid(1));
            assertTrue(ro.getMessage().contains(".rodata is read-only once loaded"), ro.getMessage());
            assertEquals(tgid, skel.rodata().targetTgid(), "read back from the frozen map");

            long before = System.nanoTime();
            Writer w = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child finished");

            // the hash map with struct keys: exactly N getppid calls of the child
            MapView<CallKey, CallStats> calls = skel.calls();
            CallStats st = calls.get(new CallKey(tgid, getppid));
            assertNotNull(st, "an entry for (child, getppid)");
            assertEquals(n, st.calls());
            assertTrue(st.firstNs() > 0 && st.firstNs() <= st.lastNs(), st.toString());
            Map<CallKey, CallStats> all = calls.toMap();
            assertTrue(all.size() > 1, "the child made other system calls too: " + all.size());
            for (CallKey k : all.keySet()) assertEquals(tgid, k.tgid(), "only the child: " + k);
            assertTrue(all.containsKey(new CallKey(tgid, getppid)), "records are map keys by value");

            // events: one per getppid, in order, from the child's main thread
            assertEquals(n, skel.bss().nextSeq());
            assertEquals(0, skel.bss().ringbufDrops());
            MapView<Integer, Event> events = skel.eventsBySeq();
            long lastTs = 0;
            int mainTid = -1;
            for (int i = 0; i < n; i++) {
                Event e = events.get(i);
                assertNotNull(e, "event " + i);
                assertEquals(i, e.seq());
                assertEquals(tgid, e.tgid());
                assertEquals(getppid, e.nr());
                assertEquals("java", e.comm());
                if (mainTid < 0) mainTid = e.tid();
                assertEquals(mainTid, e.tid(), "one thread");
                assertTrue(e.ts() >= lastTs, "timestamps in order");
                lastTs = e.ts();
            }
            assertEquals(n, events.keys().size());
            assertTrue(events.get(0).ts() > before, "kernel monotonic time after the start: " + events.get(0).ts() + " > " + before);
            assertTrue(lastTs < System.nanoTime());
            assertEquals(MapType.RINGBUF, skel.events().type());

            // the same events through the ring buffer, decoded by the skeleton's record codec
            try (reader) {
                while (reader.consume() > 0) {
                    // until the ring is empty
                }
            }
            assertEquals(n, streamed.size(), "every event through the ring buffer");
            for (int i = 0; i < n; i++) assertEquals(events.get(i), streamed.get(i), "ring buffer event " + i);
        } finally {
            child.destroyForcibly();
        }
    }
}
