/* bpf4j's BCC dialect: BCC's map macros as BTF-defined maps, and the forms the source rewriter
 * (org.bpf4j.bcc.Rewriter) turns BCC's map methods into. Included after vmlinux.h and libbpf's
 * headers; sizes default as in BCC. */
#ifndef __BPF4J_BCC_H
#define __BPF4J_BCC_H

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifndef PERF_MAX_STACK_DEPTH
#define PERF_MAX_STACK_DEPTH 127
#endif
#ifndef BPF_MAX_STACK_DEPTH
#define BPF_MAX_STACK_DEPTH PERF_MAX_STACK_DEPTH
#endif

/* picks NAME by the number of arguments (1 to 5) */
#define __bcc_by_arity(_1, _2, _3, _4, _5, NAME, ...) NAME

#define __bcc_map(_type, _name, _key, _leaf, _size, _flags) \
	struct { \
		__uint(type, _type); \
		__uint(max_entries, _size); \
		__type(key, _key); \
		__type(value, _leaf); \
		__uint(map_flags, _flags); \
	} _name SEC(".maps")

/* BPF_HASH(name[, key = u64[, leaf = u64[, size = 10240[, flags = 0]]]]) */
#define BPF_HASH(...) __bcc_by_arity(__VA_ARGS__, __bcc_hash5, __bcc_hash4, __bcc_hash3, __bcc_hash2, \
	__bcc_hash1)(BPF_MAP_TYPE_HASH, __VA_ARGS__)
#define BPF_LRU_HASH(...) __bcc_by_arity(__VA_ARGS__, __bcc_hash5, __bcc_hash4, __bcc_hash3, __bcc_hash2, \
	__bcc_hash1)(BPF_MAP_TYPE_LRU_HASH, __VA_ARGS__)
#define BPF_PERCPU_HASH(...) __bcc_by_arity(__VA_ARGS__, __bcc_hash5, __bcc_hash4, __bcc_hash3, __bcc_hash2, \
	__bcc_hash1)(BPF_MAP_TYPE_PERCPU_HASH, __VA_ARGS__)
#define BPF_LRU_PERCPU_HASH(...) __bcc_by_arity(__VA_ARGS__, __bcc_hash5, __bcc_hash4, __bcc_hash3, __bcc_hash2, \
	__bcc_hash1)(BPF_MAP_TYPE_LRU_PERCPU_HASH, __VA_ARGS__)
#define __bcc_hash1(t, n) __bcc_map(t, n, u64, u64, 10240, 0)
#define __bcc_hash2(t, n, k) __bcc_map(t, n, k, u64, 10240, 0)
#define __bcc_hash3(t, n, k, v) __bcc_map(t, n, k, v, 10240, 0)
#define __bcc_hash4(t, n, k, v, s) __bcc_map(t, n, k, v, s, 0)
#define __bcc_hash5(t, n, k, v, s, f) __bcc_map(t, n, k, v, s, f)

/* BPF_ARRAY(name[, leaf = u64[, size = 10240[, flags = 0]]]) */
#define BPF_ARRAY(...) __bcc_by_arity(__VA_ARGS__, __bcc_bad_arity, __bcc_array4, __bcc_array3, __bcc_array2, \
	__bcc_array1)(BPF_MAP_TYPE_ARRAY, __VA_ARGS__)
#define BPF_PERCPU_ARRAY(...) __bcc_by_arity(__VA_ARGS__, __bcc_bad_arity, __bcc_array4, __bcc_array3, __bcc_array2, \
	__bcc_array1)(BPF_MAP_TYPE_PERCPU_ARRAY, __VA_ARGS__)
#define __bcc_array1(t, n) __bcc_map(t, n, int, u64, 10240, 0)
#define __bcc_array2(t, n, v) __bcc_map(t, n, int, v, 10240, 0)
#define __bcc_array3(t, n, v, s) __bcc_map(t, n, int, v, s, 0)
#define __bcc_array4(t, n, v, s, f) __bcc_map(t, n, int, v, s, f)

/* BPF_HISTOGRAM(name[, key = int[, size = 64]]): an array when the key is int, a hash otherwise, as in BCC */
#define BPF_HISTOGRAM(...) __bcc_by_arity(__VA_ARGS__, __bcc_bad_arity, __bcc_bad_arity, __bcc_hist3, __bcc_hist2, \
	__bcc_hist1)(__VA_ARGS__)
#define __bcc_hist_type(k) _Generic(*(k *)0, int: BPF_MAP_TYPE_ARRAY, default: BPF_MAP_TYPE_HASH)
#define __bcc_hist1(n) __bcc_map(BPF_MAP_TYPE_ARRAY, n, int, u64, 64, 0)
#define __bcc_hist2(n, k) __bcc_map(__bcc_hist_type(k), n, k, u64, 64, 0)
#define __bcc_hist3(n, k, s) __bcc_map(__bcc_hist_type(k), n, k, u64, s, 0)

/* BPF_PERF_OUTPUT(name): one perf buffer per CPU (max_entries 0: the loader sizes it to the CPUs) */
#define BPF_PERF_OUTPUT(_name) \
	struct { \
		__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); \
		__uint(key_size, sizeof(int)); \
		__uint(value_size, sizeof(u32)); \
	} _name SEC(".maps")

/* BPF_RINGBUF_OUTPUT(name, page_cnt) as BCC: a ring of page_cnt pages */
#define BPF_RINGBUF_OUTPUT(_name, _page_cnt) \
	struct { \
		__uint(type, BPF_MAP_TYPE_RINGBUF); \
		__uint(max_entries, (_page_cnt) * PAGE_SIZE); \
	} _name SEC(".maps")

/* BPF_RINGBUF(name, size): a size in bytes (1 << 20 is 1 MiB), or in pages when below one page */
#define BPF_RINGBUF(_name, _size) \
	struct { \
		__uint(type, BPF_MAP_TYPE_RINGBUF); \
		__uint(max_entries, (_size) < PAGE_SIZE ? (_size) * PAGE_SIZE : (_size)); \
	} _name SEC(".maps")

/* BPF_STACK_TRACE(name, max_entries): stack ids to PERF_MAX_STACK_DEPTH return addresses */
#define BPF_STACK_TRACE(_name, _max_entries) \
	struct { \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE); \
		__uint(max_entries, _max_entries); \
		__uint(key_size, sizeof(u32)); \
		__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(u64)); \
	} _name SEC(".maps")

/* BCC's map methods, as the rewriter writes them: m.lookup(k) becomes __bcc_lookup(m, k) */
#define __bcc_value_ptr(m) __typeof__((m).value)
#define __bcc_lookup(m, k) ((__bcc_value_ptr(m))bpf_map_lookup_elem(&(m), k))
#define __bcc_update(m, k, v) bpf_map_update_elem(&(m), k, v, BPF_ANY)
#define __bcc_insert(m, k, v) bpf_map_update_elem(&(m), k, v, BPF_NOEXIST)
#define __bcc_delete(m, k) bpf_map_delete_elem(&(m), k)
#define __bcc_lookup_or_try_init(m, k, init) ({ \
		__bcc_value_ptr(m) __v = __bcc_lookup(m, k); \
		if (!__v) { \
			bpf_map_update_elem(&(m), k, init, BPF_NOEXIST); \
			__v = __bcc_lookup(m, k); \
		} \
		__v; \
	})
/* m.increment(key[, by = 1]) and m.atomic_increment(key[, by = 1]): the key by value, as in BCC */
#define __bcc_increment(...) __bcc_by_arity(__VA_ARGS__, __bcc_bad_arity, __bcc_bad_arity, __bcc_incr3, \
	__bcc_incr2, __bcc_bad_arity)(__VA_ARGS__)
#define __bcc_atomic_increment(...) __bcc_increment(__VA_ARGS__)
#define __bcc_incr2(m, k) __bcc_incr3(m, k, 1)
#define __bcc_incr3(m, k, by) ({ \
		__typeof__(*(m).key) __k = (k); \
		__typeof__(*(m).value) __zero = {}; \
		__bcc_value_ptr(m) __v = __bcc_lookup_or_try_init(m, &__k, &__zero); \
		if (__v) __sync_fetch_and_add(__v, (by)); \
	})
#define __bcc_perf_submit(m, ctx, data, size) bpf_perf_event_output(ctx, &(m), BPF_F_CURRENT_CPU, data, size)
#define __bcc_ringbuf_output(m, data, size, flags) bpf_ringbuf_output(&(m), data, size, flags)
#define __bcc_ringbuf_reserve(m, size) bpf_ringbuf_reserve(&(m), size, 0)
#define __bcc_ringbuf_submit(m, data, flags) bpf_ringbuf_submit(data, flags)
#define __bcc_ringbuf_discard(m, data, flags) bpf_ringbuf_discard(data, flags)
#define __bcc_get_stackid(m, ctx, flags) bpf_get_stackid(ctx, &(m), flags)

/* int kprobe__sys_X(struct pt_regs *ctx, args...) as the rewriter writes it: libbpf's BPF_KSYSCALL
 * for the kernels with the syscall wrapper (the arguments in the pt_regs the wrapper gets: x86_64
 * since 4.17, arm64 since 4.19, every kernel with BTF), without its __kconfig extern */
#define __bcc_ksyscall(name, args...) \
name(struct pt_regs *ctx); \
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args); \
typeof(name(0)) name(struct pt_regs *ctx) \
{ \
	struct pt_regs *regs = (struct pt_regs *)PT_REGS_PARM1(ctx); \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"") \
	return ____##name(___bpf_syswrap_args(args)); \
	_Pragma("GCC diagnostic pop") \
} \
static __always_inline typeof(name(0)) ____##name(struct pt_regs *ctx, ##args)

/* TRACEPOINT_PROBE(category, event) { ... args->field ... }: args typed from the tracepoint's format */
#define TRACEPOINT_PROBE(cat, ev) \
	SEC("tracepoint/" #cat "/" #ev) int tracepoint__##cat##__##ev(struct tracepoint__##cat##__##ev *args)
/* RAW_TRACEPOINT_PROBE(event) { ... ctx->args[i] ... } */
#define RAW_TRACEPOINT_PROBE(ev) SEC("raw_tp/" #ev) int raw_tracepoint__##ev(struct bpf_raw_tracepoint_args *ctx)

#endif
