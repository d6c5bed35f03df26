package org.bpf4j.bcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bpf4j.BpfException;
import org.bpf4j.map.Codecs;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;
import org.bpf4j.testing.BccTests;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BccProgram's attach-by-name calls and tables, on the kernel: exact counts of this thread's getpid(). */
class BccProgramTest {
    @BeforeEach
    void kernel() {
        KernelTests.requireKernel();
        BccTests.requireToolchain();
    }

    static final String SOURCE = """
            BPF_HASH(tp_counts, u32, u64);
            BPF_PERCPU_ARRAY(raw_counts, u64, 1);

            int count_tp(struct tracepoint__syscalls__sys_enter_getpid *args) {
                u32 tid = bpf_get_current_pid_tgid();
                tp_counts.increment(tid);
                return 0;
            }

            int count_raw(struct bpf_raw_tracepoint_args *ctx) {
                // sys_enter(regs, id): this thread's getpid() only
                if (ctx->args[1] == %d && (u32)bpf_get_current_pid_tgid() == %d) raw_counts.increment(0);
                return 0;
            }
            """;

    @Test
    void programsAttachedByNameCountExactly() {
        int tid = (int) Native.call(SysNr.GETTID, 0);
        String src = SOURCE.formatted(SysNr.GETPID, tid);
        try (BccProgram b = BccProgram.load(Bcc.compile(src, "by_name.c", Bcc.Options.defaults()))) {
            assertTrue(b.links().isEmpty(), "nothing attaches by itself: " + b.links());
            b.attachTracepoint("syscalls:sys_enter_getpid", "count_tp");
            b.attachRawTracepoint("sys_enter", "count_raw");
            assertEquals(2, b.links().size());
            for (int i = 0; i < 500; i++) Native.call(SysNr.GETPID, 0);
            assertEquals(500L, b.table("tp_counts").view(Codecs.U32, Codecs.U64).get(tid));
            long sum = b.table("raw_counts").perCpuView(Codecs.U32, Codecs.U64).get(0).values().stream()
                    .mapToLong(Long::longValue).sum();
            assertEquals(500, sum);
            // items(): the per-CPU value is a list, one value per possible CPU
            List<Map.Entry<Object, Object>> raw = b.table("raw_counts").items();
            assertEquals(1, raw.size());
            assertEquals(500L, ((List<?>) raw.get(0).getValue()).stream().mapToLong(v -> (Long) v).sum());
            assertEquals(List.of("tp_counts", "raw_counts"), b.tables().stream().map(BccTable::name).toList());
            BpfException e = assertThrows(BpfException.class, () -> b.perfBuffer("tp_counts"));
            assertEquals("map 'tp_counts' is a HASH map, not a BPF_PERF_OUTPUT", e.getMessage());
        }
    }
}
