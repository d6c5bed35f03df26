// SPDX-License-Identifier: GPL-2.0
/* Fixture: USDT programs built with libbpf's <bpf/usdt.bpf.h>, unchanged. on_gc_begin counts
 * the JVM's hotspot:gc__begin; on_args keeps the arguments of bpf4j:args (a C test program with
 * a semaphore, see core/src/test/usdt/usdt_target.c) for the test to compare exactly; on_auto
 * attaches by its section name. */
#define __TARGET_ARCH_x86
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

long gc_begins;

SEC("usdt")
int BPF_USDT(on_gc_begin, int full)
{
	__sync_fetch_and_add(&gc_begins, 1);
	return 0;
}

long calls, arg_cnt, cookie, c, us, i32, i64, index_sum, last_index, constant;

SEC("usdt")
int BPF_USDT(on_args, long a0, long a1, long a2, long a3, long a4, long a5)
{
	calls++;
	arg_cnt = bpf_usdt_arg_cnt(ctx);
	cookie = bpf_usdt_cookie(ctx);
	c = a0;
	us = a1;
	i32 = a2;
	i64 = a3;
	index_sum += a4;
	last_index = a4;
	constant = a5;
	return 0;
}

/* the auto-attached form, usdt/<path>:<provider>:<name>, in every process: the JDK the tests run on */
long auto_calls;

SEC("usdt//usr/lib/jvm/temurin-25-jdk-amd64/lib/server/libjvm.so:hotspot:gc__end")
int BPF_USDT(on_auto)
{
	auto_calls++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
