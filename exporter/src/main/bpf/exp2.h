/* SPDX-License-Identifier: GPL-2.0 */
/* The shipped configs' histogram helpers, in ebpf_exporter's form: a hash map keyed by the
 * labels then the bucket (u64), value u64; bucket i of an exp2 histogram holds the values up to
 * 2^i (the exporter's le), the last bucket the larger ones, and bucket max + 1 the sum. */
#ifndef __BPF4J_EXPORTER_EXP2_H
#define __BPF4J_EXPORTER_EXP2_H

static __always_inline void map_add(void *map, void *key, u64 n)
{
	u64 *v = bpf_map_lookup_elem(map, key);

	if (v) {
		__sync_fetch_and_add(v, n);
	} else if (bpf_map_update_elem(map, key, &n, BPF_NOEXIST)) {
		/* another CPU inserted it first */
		if ((v = bpf_map_lookup_elem(map, key)))
			__sync_fetch_and_add(v, n);
	}
}

/* the smallest i <= max with value <= 2^i */
static __always_inline u64 exp2_bucket(u64 value, u64 max)
{
	u64 i;

	for (i = 0; i < max && (1ULL << i) < value; i++)
		;
	return i;
}

#endif
