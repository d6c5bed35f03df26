// The study document's BPF_PERF_OUTPUT example: the pid and command of each exec.
// (BCC: b["events"].open_perf_buffer(print_event); b.perf_buffer_poll())
struct event {
    u32 pid;
    char comm[16];
};

BPF_PERF_OUTPUT(events);

TRACEPOINT_PROBE(sched, sched_process_exec) {
    struct event event = {};
    event.pid = bpf_get_current_pid_tgid() >> 32;
    bpf_get_current_comm(&event.comm, sizeof(event.comm));
    events.perf_submit(args, &event, sizeof(event));
    return 0;
}
