// SPDX-License-Identifier: GPL-2.0
/* USDT target for UsdtTest, compiled by the test with cc and <sys/sdt.h> (systemtap-sdt-dev).
 * Usage: usdt_target N C US I64. Prints "ready", waits for a line on stdin, then fires bpf4j:args N times
 * (when its semaphore says a tracer is attached; it counts how often that was so), and prints
 * "enabled K". bpf4j:args has arguments of several sizes and
 * signs, in registers and in memory, and a constant. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

unsigned short bpf4j_args_semaphore __attribute__((section(".probes"))) __attribute__((used));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, enabled = 0;
	/* from the command line, so that the compiler keeps them in registers or on the stack */
	signed char c = argc > 2 ? (signed char)atoi(argv[2]) : 0;
	unsigned short us = argc > 3 ? (unsigned short)atoi(argv[3]) : 0;
	long long i64 = argc > 4 ? strtoll(argv[4], NULL, 0) : 0;
	char line[64];

	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (int i = 0; i < n; i++) {
		if (__builtin_expect(bpf4j_args_semaphore, 0)) {
			int i32 = -100000 - i;

			enabled++;
			STAP_PROBE6(bpf4j, args, c, us, i32, i64, i, 42);
		}
	}
	printf("enabled %d\n", enabled);
	fflush(stdout);
	return 0;
}
