// vmtest self-test: one kprobe, one fentry and one BPF LSM program on the openat path, each
// counting its hits in a global the loader reads back.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 kprobe_hits, fentry_hits, lsm_hits;

SEC("kprobe/do_sys_openat2")
int on_kprobe(void *ctx)
{
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

SEC("fentry/do_sys_openat2")
int on_fentry(void *ctx)
{
	__sync_fetch_and_add(&fentry_hits, 1);
	return 0;
}

SEC("lsm/file_open")
int on_file_open(void *ctx)
{
	__sync_fetch_and_add(&lsm_hits, 1);
	return 0; /* allow */
}

char LICENSE[] SEC("license") = "GPL";
