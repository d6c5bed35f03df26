// SPDX-License-Identifier: GPL-2.0
/* The load verdict oracle for LoadCorpusTest: libbpf (Debian's libbpf-dev) loads each program of
 * each object given on its own, the others' autoload off, and prints one line per program:
 *   OBJECT<TAB>PROGRAM<TAB>ok          loaded
 *   OBJECT<TAB>PROGRAM<TAB>fail ERRNO   refused (bpf_object__load's error)
 * or OBJECT<TAB>-<TAB>open ERRNO when libbpf cannot open the object at all.
 * Built by the test: cc -O2 load_oracle.c -lbpf -o load_oracle. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(quiet);
	for (int a = 1; a < argc; a++) {
		const char *path = argv[a];
		struct bpf_object *obj = bpf_object__open_file(path, NULL);
		struct bpf_program *prog;
		char names[256][128];
		int n = 0;

		if (!obj) {
			printf("%s\t-\topen %d\n", path, errno);
			continue;
		}
		bpf_object__for_each_program(prog, obj) {
			if (n < 256)
				snprintf(names[n++], sizeof(names[0]), "%s", bpf_program__name(prog));
		}
		bpf_object__close(obj);
		for (int i = 0; i < n; i++) {
			int err;

			obj = bpf_object__open_file(path, NULL);
			if (!obj) {
				printf("%s\t%s\topen %d\n", path, names[i], errno);
				continue;
			}
			bpf_object__for_each_program(prog, obj)
				bpf_program__set_autoload(prog, strcmp(bpf_program__name(prog), names[i]) == 0);
			err = bpf_object__load(obj);
			if (err)
				printf("%s\t%s\tfail %d\n", path, names[i], -err);
			else
				printf("%s\t%s\tok\n", path, names[i]);
			bpf_object__close(obj);
		}
		fflush(stdout);
	}
	return 0;
}
