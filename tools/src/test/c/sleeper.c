/* OffcputimeTest's workload: for each line read from stdin, 10 nanosleeps of 200 ms (2 s off
 * the CPU in nanosleep), then "done" on stdout.
 * Built by the test: gcc -O1 -g -fno-omit-frame-pointer -o sleeper sleeper.c */
#include <stdio.h>
#include <time.h>

int main(void)
{
	char line[64];

	setvbuf(stdout, NULL, _IONBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		for (int i = 0; i < 10; i++) {
			struct timespec ts = { 0, 200000000 };
			nanosleep(&ts, NULL);
		}
		puts("done");
	}
	return 0;
}
