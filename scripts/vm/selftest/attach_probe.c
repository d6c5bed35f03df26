// vmtest self-test loader (libbpf, a test-only C helper): for each program of attach_probe.bpf.o on
// its own, load it, attach it, open a file a few times and print the program's hit count.
// Exit 0 when every program loaded, attached and counted hits; 1 otherwise.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

static const char *progs[] = {"on_kprobe", "on_fentry", "on_file_open"};

static int check(const char *path, int which)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog, *mine = NULL;
	struct bpf_link *link;
	__u64 hits[3] = {0};
	__u32 zero = 0;
	int err = 1;

	if (!obj) {
		printf("open %s: %s\n", path, strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (strcmp(bpf_program__name(prog), progs[which]) == 0)
			mine = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	if (!mine) {
		printf("%s: not in %s\n", progs[which], path);
		goto out;
	}
	if (bpf_object__load(obj)) {
		printf("%s (%s): load failed: %s\n", progs[which], bpf_program__section_name(mine), strerror(errno));
		goto out;
	}
	link = bpf_program__attach(mine);
	if (!link) {
		printf("%s (%s): attach failed: %s\n", progs[which], bpf_program__section_name(mine), strerror(errno));
		goto out;
	}
	for (int i = 0; i < 5; i++) {
		int fd = open("/proc/self/stat", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	struct bpf_map *bss = bpf_object__find_map_by_name(obj, ".bss");
	if (!bss || bpf_map__lookup_elem(bss, &zero, sizeof(zero), hits, sizeof(hits), 0)) {
		printf("%s: reading .bss failed: %s\n", progs[which], strerror(errno));
		goto out;
	}
	printf("%s (%s): %llu hits\n", progs[which], bpf_program__section_name(mine),
	       (unsigned long long)hits[which]);
	err = hits[which] == 0;
	bpf_link__destroy(link);
out:
	bpf_object__close(obj);
	return err;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "attach_probe.bpf.o";
	int failed = 0;

	for (int i = 0; i < 3; i++)
		failed |= check(path, i);
	return failed;
}
