// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Test oracle: prints, for every type of a BTF file (raw BTF, or an ELF with .BTF), what libbpf
// computes for it, one line per type id:
//     ID RESOLVE_SIZE ALIGN_OF RESOLVE_TYPE
// RESOLVE_SIZE is btf__resolve_size() (negative errno on error), ALIGN_OF is btf__align_of() (0 or
// negative on error), RESOLVE_TYPE is btf__resolve_type() (negative errno on error).
// Build: cc -O2 btf_oracle.c -lbpf -o btf_oracle. Usage: btf_oracle FILE [BASE_FILE]
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>


static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level; (void)fmt; (void)args;
	return 0;
}

int main(int argc, char **argv)
{
	struct btf *base = NULL, *btf;
	int i, n, start;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [BASE_FILE]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	if (argc > 2) {
		base = btf__parse(argv[2], NULL);
		if (!base) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			return 1;
		}
	}
	btf = btf__parse_split(argv[1], base);
	if (!btf) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = btf__type_cnt(btf);
	start = base ? btf__type_cnt(base) : 1;
	for (i = start; i < n; i++) {
		long long size = btf__resolve_size(btf, i);
		int align, resolved;

		errno = 0;
		align = btf__align_of(btf, i);
		resolved = btf__resolve_type(btf, i);
		printf("%d %lld %d %d\n", i, size, align, resolved);
	}
	btf__free(btf);
	btf__free(base);
	return 0;
}
