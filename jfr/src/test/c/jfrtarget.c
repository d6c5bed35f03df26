/* The target of JfrCommandTest: once a byte comes on stdin, opens and reads argv[1] 100 times,
 * then sleeps 20 times 50 ms, and prints "done". */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	char buf[64];
	int i, fd;

	if (argc != 2 || read(0, buf, 1) != 1)
		return 1;
	for (i = 0; i < 100; i++) {
		fd = open(argv[1], O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
			return 2;
		close(fd);
	}
	for (i = 0; i < 20; i++)
		nanosleep(&ts, NULL);
	printf("done\n");
	return 0;
}
