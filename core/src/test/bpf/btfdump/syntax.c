// SPDX-License-Identifier: GPL-2.0
/* BTF-to-C fixture: declarators and kinds: pointers, arrays (multi-dimensional, of function
 * pointers), function prototypes (no parameters, varargs, returning function pointers),
 * const/volatile/restrict, typedef chains, anonymous structs/unions/enums inline, top-level
 * anonymous enums, signed and 64-bit enums, empty enums, floats, bool, char arrays, type tags. */

typedef unsigned char u8_t;
typedef u8_t byte_t;
typedef const volatile byte_t cv_byte_t;
typedef int int_array_t[4];
typedef int_array_t matrix_t[3];
typedef int (*binop_t)(int, int);
typedef binop_t binop_table_t[2];
typedef void (*logger_t)(const char *fmt, ...);
typedef int (*(*factory_t)(void))(long);
typedef char *(*const handlers_t[3])(void *);
typedef struct {
	int anon_x;
} anon_typedef_t;
typedef struct {
	int anon_y;
} *anon_ptr_typedef_t;
typedef union {
	int u_i;
	float u_f;
} anon_union_t;

enum {
	TOP_A = 1,
	TOP_B = -2,
};

enum signed_enum {
	NEG = -100,
	ZERO = 0,
	POS = 100,
};

enum big_values {
	BIG_LOW = 1,
	BIG_HIGH = 0xffffffff00000000ULL,
};

enum neg64 {
	NEG64_MIN = -0x7fffffffffffffffLL - 1,
	NEG64_ONE = 1,
};

enum __attribute__((packed)) one_byte {
	OB_A,
	OB_B = 200,
};

enum opaque_enum;

struct tagged {
	int __attribute__((btf_type_tag("user"))) *user_ptr;
	char __attribute__((btf_type_tag("rcu"))) __attribute__((btf_type_tag("percpu"))) *two_tags;
};

struct declarators {
	int *p;
	int **pp;
	const int *cp;
	int *const pc;
	const int *const cpc;
	volatile long *vp;
	int *restrict rp;
	char str[16];
	int grid[2][3][4];
	int *ptr_array[5];
	int (*array_ptr)[7];
	int (*(*nested)[2])[3];
	void (*no_args)(void);
	int (*with_args)(int a, char *b, ...);
	binop_t op;
	binop_table_t ops;
	logger_t log;
	factory_t factory;
	handlers_t handlers;
	int (*fn_array[2])(int);
	void *(*ret_ptr)(void **);
	cv_byte_t cvb;
	matrix_t m;
	anon_typedef_t at;
	anon_ptr_typedef_t apt;
	anon_union_t au;
	struct {
		int inner_a;
		union {
			long inner_l;
			struct {
				char deep;
			} deepest;
		};
		enum {
			INLINE_X,
			INLINE_Y,
		} inline_kind;
	} anon_member;
	struct {
		int flat;
	};
	enum signed_enum se;
	enum big_values bv;
	enum neg64 n64;
	enum one_byte ob;
	enum opaque_enum *oe;
	float f;
	double d;
	long double ld;
	_Bool b;
	const char *const names[2];
	struct tagged t;
	char flex[];
};

int syntax_root(struct declarators *d, int top)
{
	return top == TOP_A;
}
