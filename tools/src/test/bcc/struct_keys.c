// A BPF_HASH with struct keys: getpid() calls per thread and command.
struct key_t {
    u32 tid;
    char comm[16];
};

BPF_HASH(counts, struct key_t, u64);

TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
    struct key_t key = {.tid = (u32)bpf_get_current_pid_tgid()};
    bpf_get_current_comm(&key.comm, sizeof(key.comm));
    counts.increment(key);
    return 0;
}
