/* SPDX-License-Identifier: GPL-2.0 */
/* What the histogram tools share: log2 slots as libbpf-tools' print_log2_hist reads them (slot
 * 0 holds 0 and 1, slot n the values from 2^n to 2^(n+1) - 1), and a lookup-or-insert of a
 * zeroed histogram value. */
#ifndef __BPF4J_HIST_H
#define __BPF4J_HIST_H

#define TASK_COMM_LEN 16

/* floor(log2(v)) of a 64-bit value, 0 for 0 */
static __always_inline u32 log2_slot(u64 v)
{
	u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

/* the value under key, inserted as `zero` first when absent (another CPU may insert it first) */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* one more count in the log2 slot of v, the last of nslots for anything larger */
static __always_inline void log2_count(u32 *slots, u32 nslots, u64 v)
{
	u32 slot = log2_slot(v);

	if (slot >= nslots)
		slot = nslots - 1;
	__sync_fetch_and_add(&slots[slot], 1);
}

#endif
