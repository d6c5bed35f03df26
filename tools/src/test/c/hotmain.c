/* ProfileTest's workload: a PIE that calls libhot.so's hot_spin for argv[1] seconds, then exits.
 * Built by the test: gcc -O1 -g -fno-omit-frame-pointer -fPIE -pie -o hotmain hotmain.c -L. -lhot -Wl,-rpath,'$ORIGIN' */
#include <stdlib.h>
#include <time.h>

unsigned long hot_spin(unsigned long n);

__attribute__((noinline)) static void run_for(double seconds)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		hot_spin(1000000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv)
{
	run_for(argc > 1 ? atof(argv[1]) : 10);
	return 0;
}
