// SPDX-License-Identifier: GPL-2.0
/* Enumerator values at the edges of 32 bits: negative values of signed enums (perf_event_state:
 * PERF_EVENT_STATE_DEAD is -4 on 6.1 and -5 on 6.18, REVOKED exists on 6.18 only), INT_MIN
 * (netdev_tx), and values at and above 2^31 of unsigned 32-bit enums (e820_type, x86_pf_error_code
 * X86_PF_RMP on 6.18 only, rt_class_t RT_TABLE_MAX): libbpf widens a 32-bit enumerator as a
 * signed value (btf_enum.val is __s32), so 0xefffffff becomes 0xffffffffefffffff. */
#include "corpus.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

enum perf_event_state {
	PERF_EVENT_STATE_DEAD = -4,
	PERF_EVENT_STATE_REVOKED = -4,
	PERF_EVENT_STATE_OFF = -1,
	PERF_EVENT_STATE_ACTIVE = 1,
};

enum netdev_tx {
	__NETDEV_TX_MIN = -2147483648,
	NETDEV_TX_OK = 0,
};

enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_SOFT_RESERVED = 0xefffffff,
};

enum x86_pf_error_code {
	X86_PF_PROT = 1,
	X86_PF_RMP = 0x80000000,
};

enum rt_class_t {
	RT_TABLE_UNSPEC = 0,
	RT_TABLE_MAX = 0xffffffff,
};

SEC("tp/syscalls/sys_enter_getpid")
int enumvals_signed(void *ctx)
{
	long v = 0;

	v += bpf_core_enum_value(enum perf_event_state, PERF_EVENT_STATE_DEAD);
	v += bpf_core_enum_value(enum perf_event_state, PERF_EVENT_STATE_REVOKED);
	v += bpf_core_enum_value_exists(enum perf_event_state, PERF_EVENT_STATE_REVOKED);
	v += bpf_core_enum_value(enum perf_event_state, PERF_EVENT_STATE_OFF);
	v += bpf_core_enum_value(enum perf_event_state, PERF_EVENT_STATE_ACTIVE);
	v += bpf_core_enum_value(enum netdev_tx, __NETDEV_TX_MIN);
	return v;
}

SEC("tp/syscalls/sys_enter_gettid")
int enumvals_unsigned(void *ctx)
{
	long v = 0;

	v += bpf_core_enum_value(enum e820_type, E820_TYPE_RAM);
	v += bpf_core_enum_value(enum x86_pf_error_code, X86_PF_PROT);
	v += bpf_core_enum_value_exists(enum x86_pf_error_code, X86_PF_RMP);
	v += bpf_core_enum_value(enum x86_pf_error_code, X86_PF_RMP);
	v += bpf_core_enum_value(enum rt_class_t, RT_TABLE_MAX);
	v += bpf_core_enum_value(enum e820_type, E820_TYPE_SOFT_RESERVED);
	return v;
}
