// The study document's BPF_RINGBUF version of the exec events.
struct event {
    u32 pid;
    char comm[16];
};

BPF_RINGBUF(rb, 1 << 20);  // 1MB

TRACEPOINT_PROBE(sched, sched_process_exec) {
    u32 pid = bpf_get_current_pid_tgid() >> 32;
    struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
    if (e) {
        e->pid = pid;
        bpf_get_current_comm(&e->comm, sizeof(e->comm));
        bpf_ringbuf_submit(e, 0);
    }
    return 0;
}
