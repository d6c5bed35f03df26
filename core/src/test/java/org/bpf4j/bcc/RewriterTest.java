package org.bpf4j.bcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The BCC dialect's rewrite, on source text: no clang, no kernel. */
class RewriterTest {
    static long lines(String s) {
        return s.chars().filter(c -> c == '\n').count();
    }

    @Test
    void mapMethodsBecomeMacrosOnTheSameLines() {
        String src = """
                #include <uapi/linux/ptrace.h>
                BPF_HASH(counts, u32, u64);
                BPF_PERF_OUTPUT(events);
                BPF_STACK_TRACE(stacks, 1024);
                int kprobe__do_nanosleep(struct pt_regs *ctx) {
                    u32 key = 0; u64 zero = 0;
                    u64 *c = counts.lookup(&key);
                    c = counts . lookup_or_try_init(&key, &zero);
                    counts.update(&key, &zero); counts.insert(&key, &zero); counts.delete(&key);
                    counts.increment(key); counts.atomic_increment(key, 2);
                    events.perf_submit(ctx, &key, sizeof(key));
                    int id = stacks.get_stackid(ctx, 0);
                    other.lookup(&key);   // not a BPF_ map: left alone
                    bpf_trace_printk("counts.lookup(x) %d\\n", key);
                    return 0;
                }
                """;
        Rewriter.Result r = Rewriter.rewrite(src);
        String out = r.source();
        assertEquals(Map.of("counts", "BPF_HASH", "events", "BPF_PERF_OUTPUT", "stacks", "BPF_STACK_TRACE"), r.maps());
        assertTrue(out.contains("u64 *c = __bcc_lookup(counts, &key);"), out);
        assertTrue(out.contains("c = __bcc_lookup_or_try_init(counts, &key, &zero);"), out);
        assertTrue(out.contains("__bcc_update(counts, &key, &zero); __bcc_insert(counts, &key, &zero); "
                + "__bcc_delete(counts, &key);"), out);
        assertTrue(out.contains("__bcc_increment(counts, key); __bcc_atomic_increment(counts, key, 2);"), out);
        assertTrue(out.contains("__bcc_perf_submit(events, ctx, &key, sizeof(key));"), out);
        assertTrue(out.contains("int id = __bcc_get_stackid(stacks, ctx, 0);"), out);
        assertTrue(out.contains("other.lookup(&key);"), out);
        // strings are not code: the format keeps its text, the call becomes libbpf's
        assertTrue(out.contains("bpf_printk(\"counts.lookup(x) %d\\n\", key);"), out);
        assertTrue(out.contains("/* bpf4j: #include <uapi/linux/ptrace.h>: in vmlinux.h */"), out);
        assertTrue(out.contains("SEC(\"kprobe/do_nanosleep\") int kprobe__do_nanosleep(struct pt_regs *ctx) {"), out);
        assertTrue(out.endsWith("char _license[] SEC(\"license\") = \"GPL\"; /* bpf4j: BCC's default */\n"), out);
        // every user line stays where it was, the license line comes after them
        assertEquals(lines(src) + 1, lines(out));
        String[] in = src.split("\n"), got = out.split("\n");
        assertEquals("    return 0;", got[in.length - 2]);
        assertEquals(Map.of("kprobe__do_nanosleep", "kprobe/do_nanosleep"), r.programs());
    }

    @Test
    void functionNamesGiveSections() {
        String src = """
                int kretprobe__vfs_read(struct pt_regs *ctx) { return 0; }
                int kprobe__sys_clone(struct pt_regs *ctx) { return 0; }
                int kprobe__tcp_v4_connect(struct pt_regs *ctx, struct sock *sk,
                                           int len) { return 0; }
                int tracepoint__sched__sched_switch(struct tracepoint__sched__sched_switch *args) { return 0; }
                int raw_tracepoint__sched_wakeup(struct bpf_raw_tracepoint_args *ctx) { return 0; }
                int do_trace(struct pt_regs *ctx) { return 0; }
                int do_tp(struct tracepoint__sched__sched_wakeup *args) { return 0; }
                static int helper(struct pt_regs *ctx) { return 1; }
                static __always_inline int kprobe__inlined(struct pt_regs *ctx) { return 1; }
                SEC("tp/syscalls/sys_enter_read") int mine(void *ctx) { return 0; }
                TRACEPOINT_PROBE(syscalls, sys_enter_openat) { return args->flags; }
                RAW_TRACEPOINT_PROBE(sched_switch) { return 0; }
                char LICENSE[] SEC("license") = "Dual BSD/GPL";
                """;
        Rewriter.Result r = Rewriter.rewrite(src);
        String out = r.source();
        assertTrue(out.contains("SEC(\"kretprobe/vfs_read\") int kretprobe__vfs_read("), out);
        assertTrue(out.contains("SEC(\"ksyscall/clone\") int kprobe__sys_clone("), out);
        // extra parameters read the registers through libbpf's BPF_KPROBE, on the same lines
        assertTrue(out.contains("SEC(\"kprobe/tcp_v4_connect\") int BPF_KPROBE(kprobe__tcp_v4_connect, struct sock *sk,\n"
                + src.split("\n")[3] + "\n"), out);
        assertTrue(out.contains("SEC(\"tracepoint/sched/sched_switch\") int tracepoint__sched__sched_switch("), out);
        assertTrue(out.contains("SEC(\"raw_tp/sched_wakeup\") int raw_tracepoint__sched_wakeup("), out);
        assertTrue(out.contains("SEC(\"kprobe\") int do_trace("), out);
        assertTrue(out.contains("SEC(\"tracepoint\") int do_tp("), out);
        assertTrue(out.contains("\nstatic int helper("), out);
        assertTrue(out.contains("\nstatic __always_inline int kprobe__inlined("), out);
        assertTrue(out.contains("\nSEC(\"tp/syscalls/sys_enter_read\") int mine("), out);
        assertFalse(out.contains("bpf4j: BCC's default"), "the source has a license");
        assertEquals(lines(src), lines(out));
        assertEquals(Set.of(new Rewriter.Tracepoint("sched", "sched_switch"), new Rewriter.Tracepoint("syscalls", "sys_enter_openat"),
                        new Rewriter.Tracepoint("sched", "sched_wakeup")),
                r.tracepoints());
        assertEquals("tracepoint/syscalls/sys_enter_openat", r.programs().get("tracepoint__syscalls__sys_enter_openat"));
        assertEquals("raw_tp/sched_switch", r.programs().get("raw_tracepoint__sched_switch"));
        assertEquals("kprobe", r.programs().get("do_trace"));
        assertEquals("tp/syscalls/sys_enter_read", r.programs().get("mine"));
        assertFalse(r.programs().containsKey("helper"));
    }

    @Test
    void commentsAndPreprocessorLinesAreNotCode() {
        String src = """
                BPF_ARRAY(values, struct data, 10);
                /* values.lookup(&k) in a comment
                   int kprobe__nothing(struct pt_regs *ctx) { } */
                // values.update(&k, &v);
                #define GET(k) values.lookup(k)
                char *s = "values.delete(&k)";
                """;
        String out = Rewriter.rewrite(src).source();
        assertTrue(out.startsWith(src), out);
    }
}
