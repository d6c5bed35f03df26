// SPDX-License-Identifier: GPL-2.0
/* BTF-to-C fixture: the order of definitions and forward declarations: mutual recursion
 * through pointers, self reference, structs only ever seen through pointers (FWD), typedefs
 * used before their struct is complete, anonymous structs reached through pointers that embed
 * named structs (a strong dependency despite the pointer), and function pointers that mention
 * structs. */

struct opaque_struct;
union opaque_union;

struct list_node {
	struct list_node *next;
	struct list_node *prev;
};

struct tree;
typedef struct tree tree_t;

struct branch {
	tree_t *owner;
	struct branch *siblings;
	struct leaf *first_leaf;
};

struct leaf {
	struct branch *parent;
	int value;
};

struct tree {
	struct branch root;
	struct list_node node;
	tree_t *parent;
};

struct embedded {
	int e;
};

struct via_anon_pointer {
	struct {
		struct embedded inside;
	} *anon;
	struct opaque_struct *os;
	union opaque_union *ou;
};

struct defined_later;
typedef struct callbacks callbacks_t;

struct callbacks {
	int (*on_tree)(struct tree *, callbacks_t *);
	void (*on_later)(struct defined_later *);
};

struct defined_later {
	callbacks_t cb;
	struct defined_later *self;
};

typedef struct ordering_all {
	struct tree t;
	struct via_anon_pointer v;
	struct defined_later d;
} ordering_all_t;

int ordering_root(ordering_all_t *all)
{
	return 0;
}
