/* FutexctnTest's workload: a thread that waits on one futex word exactly N times, each wait
 * ended by a FUTEX_WAKE of the main thread (which wakes only once the waiter sleeps: the wake
 * returns 1), so exactly N FUTEX_WAITs return 0 on that word. The word never changes, so no wait
 * returns EAGAIN. Prints "lock 0x..." (its address), waits for a line on stdin, runs, prints "done".
 * Built by the test: gcc -O1 -g -fno-omit-frame-pointer -pthread -o futexer futexer.c */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int word;
static int rounds;

static __attribute__((noinline)) long wait_once(void)
{
	return syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void *futex_waiter(void *arg)
{
	int done = 0;

	while (done < rounds)
		if (wait_once() == 0)
			done++;
	return arg;
}

int main(int argc, char **argv)
{
	char line[64];
	pthread_t t;

	rounds = argc > 1 ? atoi(argv[1]) : 100;
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("lock %p\n", (void *)&word);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	pthread_create(&t, NULL, futex_waiter, NULL);
	for (int i = 0; i < rounds; i++) {
		/* 1 once the waiter slept on the word and was woken */
		while (syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) != 1)
			usleep(200);
	}
	pthread_join(t, NULL);
	puts("done");
	fgets(line, sizeof(line), stdin);
	return 0;
}
