// bpf_trace_printk as BCC writes it: its lines come through trace_pipe.
TRACEPOINT_PROBE(syscalls, sys_enter_getpid) {
    bpf_trace_printk("bpf4j-bcc-printk tid %d\n", (u32)bpf_get_current_pid_tgid());
    return 0;
}
