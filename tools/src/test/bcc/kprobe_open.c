// The study document's kprobe example, the way BCC writes it: kprobe__sys_openat attaches to the
// openat(2) system call's entry whatever the kernel calls it (__x64_sys_openat), and its extra
// parameters are the system call's arguments (the document's PT_REGS_PARM1(ctx) on sys_open).
struct filename_t {
    char name[256];
};

BPF_HASH(open_files, u32, struct filename_t);

int kprobe__sys_openat(struct pt_regs *ctx, int dfd, const char *filename) {
    u32 pid = bpf_get_current_pid_tgid();   // the thread id
    struct filename_t f = {};
    bpf_probe_read_user_str(f.name, sizeof(f.name), filename);
    // 맵에 저장
    open_files.update(&pid, &f);
    return 0;
}
