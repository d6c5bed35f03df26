// The study document's BPF_HASH counter, as a BCC program: getpid() calls per thread.
// (BCC: b = BPF(src_file="counter.c"); b["counts"])
BPF_HASH(counts, u32, u64);

TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
    u32 key = bpf_get_current_pid_tgid();   // the thread id
    u64 *count = counts.lookup(&key);
    if (count)
        (*count)++;
    else {
        u64 one = 1;
        counts.update(&key, &one);
    }
    return 0;
}
