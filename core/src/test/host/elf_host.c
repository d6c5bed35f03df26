// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// A tiny x86-64 shared object for the ELF reader tests: ET_DYN, program headers (PT_LOAD),
// .dynsym with global functions and objects, a local symbol, and .bss (SHT_NOBITS).
int host_counter = 5;
long host_zeroed[16];
static int hidden_helper(int x) { return x * 3 + host_counter; }
__attribute__((visibility("hidden"))) int host_hidden(int x) { return hidden_helper(x) - 1; }
int host_add(int a, int b) { return a + b + host_hidden(a) + (int)host_zeroed[b & 15]; }
__attribute__((weak)) int host_weak(void) { return 7; }
