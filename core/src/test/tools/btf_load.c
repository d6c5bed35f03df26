// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Test helper: loads a raw BTF file into the running kernel (BPF_BTF_LOAD through libbpf's
// bpf_btf_load) to check that the kernel's BTF verifier accepts it. Needs CAP_BPF (root).
// Prints "ok" and exits 0, or prints the error and the kernel's BTF log and exits 1.
// Build: cc -O2 btf_load.c -lbpf -o btf_load. Usage: btf_load FILE
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char log[1 << 20];
	LIBBPF_OPTS(bpf_btf_load_opts, opts, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	FILE *f;
	void *data;
	long size;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 2;
	}
	data = malloc(size);
	if (!data || fread(data, 1, size, f) != (size_t)size) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	fd = bpf_btf_load(data, size, &opts);
	if (fd < 0) {
		printf("error: %s\n%s\n", strerror(errno), log);
		return 1;
	}
	close(fd);
	printf("ok\n");
	return 0;
}
