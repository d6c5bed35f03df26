// SPDX-License-Identifier: GPL-2.0
/* BTF-to-C fixture, first half of "dups": linked with dups_b.c by `bpftool gen object`, which
 * keeps both definitions of the names they share, so the C writer has to rename the second
 * ones (NAME___2) in the order it writes them. */

typedef int shared_t;

enum shared_enum {
	SHARED_ONE = 1,
	SHARED_TWO = 2,
};

struct shared {
	int a;
	shared_t t;
	enum shared_enum e;
};

struct only_a {
	struct shared s;
};

struct only_a g_only_a;
