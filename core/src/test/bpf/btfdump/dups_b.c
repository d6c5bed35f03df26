// SPDX-License-Identifier: GPL-2.0
/* BTF-to-C fixture, second half of "dups" (see dups_a.c): the same names with other
 * definitions. */

typedef long shared_t;

enum shared_enum {
	SHARED_ONE = 10,
	SHARED_THREE = 30,
};

struct shared {
	long b;
	shared_t t;
	enum shared_enum e;
};

struct only_b {
	struct shared s;
	shared_t again;
};

struct only_b g_only_b;
