// SPDX-License-Identifier: GPL-2.0
/* BTF-to-C fixture: struct layouts the C writer must reproduce exactly: bitfields, holes that
 * need explicit padding, packed and over-aligned structs, unions, empty structs, tail padding.
 * Every type is reached from the parameter of layout_root() so that clang emits its BTF. */

struct bits_basic {
	unsigned int a: 1;
	unsigned int b: 3;
	int c: 4;
	unsigned char d: 2;
	unsigned long long e: 40;
	short f: 9;
	unsigned int after;
};

struct bits_holes {
	char first;
	/* an unnamed bitfield leaves a hole BTF does not describe */
	int: 7;
	unsigned int x: 5;
	long: 0;
	unsigned long y: 3;
	long long: 61;
	char last;
};

struct bits_cross {
	unsigned char a: 7;
	unsigned short b: 12;
	unsigned int c: 20;
	unsigned long long d: 63;
	unsigned long long e: 2;
};

enum small_enum { SMALL_A, SMALL_B, SMALL_C };

struct bits_enum {
	enum small_enum kind: 2;
	_Bool flag: 1;
	signed char s: 5;
};

struct holes {
	char c;
	long l;
	short s;
	int i;
	char tail;
};

struct aligned16 {
	int x;
} __attribute__((aligned(16)));

struct contains_aligned {
	char c;
	struct aligned16 a;
	int after;
};

struct over_aligned_member {
	char c;
	int i __attribute__((aligned(32)));
	char d;
};

struct packed_all {
	char c;
	int i;
	long l;
	short s;
} __attribute__((packed));

struct packed_but_natural {
	int i;
	int j;
} __attribute__((packed));

struct packed_tail {
	long l;
	char c;
} __attribute__((packed));

struct packed_member_aligned {
	char c;
	int i __attribute__((aligned(2)));
} __attribute__((packed));

struct outer_packed_inner {
	char c;
	struct packed_all p;
	char d;
};

union mixed_union {
	char c;
	int i;
	long long ll;
	struct {
		short a;
		short b;
	} pair;
	unsigned int bits: 5;
};

union packed_union {
	int i;
	char c[5];
} __attribute__((packed));

struct empty {};

struct with_empty {
	int a;
	struct empty e;
	int b;
};

struct tail_pad_only {
	long l;
	char c;
};

struct big_hole {
	char c;
	char buf[3] __attribute__((aligned(64)));
	char d;
};

struct int128_holder {
	char c;
	__int128 wide;
	unsigned __int128 uwide;
};

struct layout_all {
	struct bits_basic a;
	struct bits_holes b;
	struct bits_cross c;
	struct bits_enum d;
	struct holes e;
	struct contains_aligned f;
	struct over_aligned_member g;
	struct packed_all h;
	struct packed_but_natural i;
	struct packed_tail j;
	struct packed_member_aligned k;
	struct outer_packed_inner l;
	union mixed_union m;
	union packed_union n;
	struct with_empty o;
	struct tail_pad_only p;
	struct big_hole q;
	struct int128_holder r;
};

int layout_root(struct layout_all *all)
{
	return 0;
}
