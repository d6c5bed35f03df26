/*
 * report_time: how long a command takes to print its report after its measuring time is over:
 * from BANNER + AFTER milliseconds (a tool that prints BANNER, then sleeps AFTER, then reports,
 * as profile FREQ DURATION does) to the last byte of its output (its exit closing it).
 *
 * usage: report_time --banner TEXT --after MS [--timeout SECONDS] --bench NAME --impl IMPL
 *                    -- COMMAND [ARG...]
 *
 * The command's stdout and stderr go to a pseudo-terminal (C stdio is line-buffered there, as
 * for a user), read as fast as it writes and thrown away. Prints the result lines post_ms (the
 * time above), lines and bytes (of the output after the banner) for the run.
 */
#include "bench_common.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *banner = NULL, *bench = NULL, *impl = NULL;
	long after_ms = -1, timeout_s = 120;
	int i, m, s, status;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) { i++; break; }
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--banner")) banner = argv[++i];
		else if (!strcmp(argv[i], "--after")) after_ms = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--timeout")) timeout_s = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--bench")) bench = argv[++i];
		else if (!strcmp(argv[i], "--impl")) impl = argv[++i];
		else die("unknown option %s", argv[i]);
	}
	if (i >= argc || !banner || after_ms < 0 || !bench || !impl)
		die("usage: report_time --banner TEXT --after MS [--timeout S] --bench NAME --impl IMPL -- COMMAND [ARG...]");
	char **cmd = argv + i;

	struct termios raw;
	if (openpty(&m, &s, NULL, NULL, NULL))
		die("openpty: %s", strerror(errno));
	tcgetattr(s, &raw);
	cfmakeraw(&raw);
	tcsetattr(s, TCSANOW, &raw);
	fcntl(m, F_SETFD, FD_CLOEXEC);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		setsid();
		dup2(in, 0);
		dup2(s, 1);
		dup2(s, 2);
		close(s);
		execvp(cmd[0], cmd);
		fprintf(stderr, "exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(s);

	static char buf[1 << 20], head[1 << 16];
	size_t hlen = 0;
	uint64_t t_banner = 0, t_last = 0, lines = 0, bytes = 0;
	uint64_t deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull;
	for (;;) {
		struct pollfd p = { .fd = m, .events = POLLIN };
		int64_t left_ms = ((int64_t)(deadline - now_ns())) / 1000000;

		if (left_ms <= 0 || poll(&p, 1, left_ms) == 0) {
			kill(-pid, SIGKILL);
			die("%s: no end of output within %ld s", cmd[0], timeout_s);
		}
		ssize_t n = read(m, buf, sizeof(buf));
		if (n <= 0)
			break;	/* EIO: the last writer closed the terminal */
		uint64_t t = now_ns();
		if (!t_banner) {
			size_t k = (size_t)n < sizeof(head) - 1 - hlen ? (size_t)n : sizeof(head) - 1 - hlen;
			memcpy(head + hlen, buf, k);
			hlen += k;
			head[hlen] = 0;
			char *b = strstr(head, banner);
			if (b) {
				t_banner = t;
				bytes = hlen - (b - head);
				for (char *c = b; c < head + hlen; c++) lines += *c == '\n';
			} else if (hlen == sizeof(head) - 1) {
				die("64 KiB of output without the banner: %.200s", head);
			}
			continue;
		}
		t_last = t;
		bytes += n;
		for (ssize_t j = 0; j < n; j++) lines += buf[j] == '\n';
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("%s failed (status 0x%x)", cmd[0], status);
	if (!t_banner)
		die("%s exited without the banner: %.200s", cmd[0], head);
	if (!t_last)
		t_last = t_banner;
	result(bench, impl, "post_ms", ((double)t_last - (double)t_banner) / 1e6 - after_ms, "ms");
	result(bench, impl, "lines", lines, "lines");
	result(bench, impl, "bytes", bytes, "bytes");
	return 0;
}
