// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Fixture for the BTF parser and the raw formatter: at least one type of every BTF kind, with the
// corner cases (bitfields with the kind flag, anonymous members, negative and 64-bit enums, tags,
// varargs, typedef chains, qualifiers, DATASEC/VAR for .data, .bss, .rodata, .maps, .kconfig).
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __ttag(x) __attribute__((btf_type_tag(x)))

struct all_ints {
	char c;
	signed char sc;
	unsigned char uc;
	short s;
	unsigned short us;
	int i;
	unsigned int ui;
	long l;
	unsigned long ul;
	long long ll;
	unsigned long long ull;
	_Bool b;
	__int128 i128;
	unsigned __int128 u128;
	float f;
	double d;
	long double ld;
};

struct bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 40;
	char d;
	int : 0;
	signed char e : 2;
};

struct nested {
	int x;
	struct {
		int y;
		union {
			long z;
			char w[3];
		};
	};
	union {
		__u8 p;
		__u16 q;
	} u;
	int matrix[3][4];
	char empty[0];
};

enum neg { NEG_A = -5, NEG_B = 0, NEG_C = 7, NEG_MIN = -2147483647 - 1 };
enum big_unsigned { BIG_A = 0xffffffffffULL, BIG_B = 1, BIG_MAX = 0xffffffffffffffffULL };
enum big_signed { SBIG_A = -0x100000000LL, SBIG_B = 3 };
enum u32_enum { U32_A = 0x80000000u, U32_B = 0xffffffffu };
enum small_enum : unsigned char { SMALL_A = 1, SMALL_B = 255 };

struct fwd_struct;
union fwd_union;
typedef struct fwd_struct fwd_t;
typedef fwd_t fwd2_t;
typedef fwd2_t *fwd_ptr_t;
typedef const volatile int cv_int;

struct tagged {
	int plain;
	int marked __tag("field_tag");
	int __ttag("user") *user_ptr;
	int __ttag("user") __ttag("rcu") *two_tags;
} __tag("struct_tag");

typedef int (*varargs_fn)(int first, ...);
typedef void (*noargs_fn)(void);

struct everything {
	struct all_ints ints;
	struct bits bits;
	struct nested nested;
	enum neg neg;
	enum big_unsigned big;
	enum big_signed sbig;
	enum u32_enum u32;
	enum small_enum small;
	fwd_ptr_t fwd;
	union fwd_union *fwd_u;
	cv_int cv;
	int *restrict rp;
	struct tagged tagged;
	varargs_fn vf;
	noargs_fn nf;
};

/* CO-RE flavours: the essential name is cut at the LAST "X___Y" separator only */
struct flav { int a; };
struct flav___v1 { int a; };
struct flav___v1___v2 { int a; };
struct flav____four { int a; };   /* four underscores: not a separator */
struct flav___ { int a; };        /* nothing after the underscores: not a separator */
struct ___flav { int a; };        /* nothing before them: not a separator */
typedef struct flav___v1 flav___t;
struct flavours {
	struct flav a;
	struct flav___v1 b;
	struct flav___v1___v2 c;
	struct flav____four d;
	struct flav___ e;
	struct ___flav f;
	flav___t g;
	struct __attribute__((packed)) { char x; int y; } packed;
	struct { char x; long y; } __attribute__((aligned(16))) aligned;
};

/* .data */
struct everything data_var = { .neg = NEG_C };
int data_int __tag("var_tag") = 42;
/* .bss */
struct everything bss_var;
long bss_array[5][2];
struct flavours flavours_var;
/* .rodata */
const volatile int rodata_int = 7;
const volatile char rodata_str[] = "hello";
/* .kconfig (extern VAR) */
extern int LINUX_KERNEL_VERSION __kconfig;
/* static VAR */
static volatile int static_counter = 3;
/* extern FUNC in .ksyms */
extern int bpf_fake_kfunc(int x) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct everything);
} everything_map SEC(".maps");

static __noinline int static_helper(int a, unsigned char *restrict p)
{
	return a + (p ? *p : 0);
}

__noinline int global_helper(int a __tag("param_tag"), long b) __tag("func_tag")
{
	return static_helper(a, (unsigned char *)&data_int) + (int)b;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int kinds_prog(void *ctx)
{
	__u32 key = 0;
	struct everything *e = bpf_map_lookup_elem(&everything_map, &key);

	if (!e)
		return 0;
	e->ints.i = global_helper(rodata_int, bss_array[1][1]) + LINUX_KERNEL_VERSION;
	static_counter++;
	flavours_var.c.a = 1;
	return data_var.ints.c + rodata_str[0] + bpf_fake_kfunc(static_counter);
}

char LICENSE[] SEC("license") = "GPL";
