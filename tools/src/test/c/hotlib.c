/* The shared library of ProfileTest's workload (hotmain.c): hot_spin burns the CPU, so that a
 * profile of the process finds it, through the library's bias, in most samples.
 * Built by the test: gcc -O1 -g -fno-omit-frame-pointer -fPIC -shared -o libhot.so hotlib.c */
volatile unsigned long hot_sink;

__attribute__((noinline)) unsigned long hot_spin(unsigned long n)
{
	unsigned long x = 1;

	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	hot_sink = x;
	return x;
}
