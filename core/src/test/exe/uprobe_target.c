// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// Target of the uprobe tests: a position-independent executable (ET_DYN) whose probed functions
// live in their own segment, linked at 0x20000 while it lies at file offset 0x4000
// (scripts/build-fixtures: --section-start=b4j_text=0x20000), so that a uprobe lands right only if
// the symbol's address is turned into a file offset. Usage: uprobe_target N [wait]
// calls b4j_square_plus(1..N) (returns i*i+1, exported in .dynsym) and b4j_twice (a static
// function, only in .symtab); with "wait" it first reads a line from stdin, so that a test can
// attach to its pid before the calls. Prints the sum of the results.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline, used, section("b4j_text"))) int b4j_square_plus(int x)
{
	asm volatile("" ::: "memory");
	return x * x + 1;
}

static __attribute__((noinline, section("b4j_text"))) long b4j_twice(long x)
{
	asm volatile("" ::: "memory");
	return 2 * x;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	char line[16];
	long sum = 0;

	if (argc > 2 && !fgets(line, sizeof(line), stdin))
		return 2;
	for (int i = 1; i <= n; i++)
		sum += b4j_twice(b4j_square_plus(i));
	printf("%ld\n", sum);
	return 0;
}
