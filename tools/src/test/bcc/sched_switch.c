// The study document's sched_switch tracepoint program (libbpf's SEC form, which the BCC
// dialect accepts as is), with a map for its "data processing": switches away from each thread.
BPF_HASH(switches, u32, u64);

SEC("tracepoint/sched/sched_switch")
int trace_switch(struct trace_event_raw_sched_switch *ctx) {
    u32 prev_pid = ctx->prev_pid;
    u32 next_pid = ctx->next_pid;
    // 데이터 처리
    switches.increment(prev_pid);
    return 0;
}
