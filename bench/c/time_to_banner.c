/*
 * time_to_banner: how long a command takes from exec to printing a banner (or to exiting).
 *
 * usage: time_to_banner [--runs N] [--warmup N] [--timeout SECONDS] [--pipe]
 *                       (--banner TEXT | --exit) --bench NAME --impl IMPL -- COMMAND [ARG...]
 *
 * Each run: fork; the child puts itself in a new process group, points stdout and stderr at a
 * pseudo-terminal (--banner; with --pipe a pipe) or /dev/null (--exit), stores
 * clock_gettime(CLOCK_MONOTONIC) in a page shared with the parent and calls execvp. A terminal
 * is the default because C stdio (libbpf-tools) buffers stdout fully when it is a pipe, so the
 * banner would only appear at exit; on a terminal it is line-buffered, as for a user. --banner: the parent reads the pipe until TEXT appears in the
 * output, takes the time, sends SIGINT to the child's process group, waits up to 2 s for it to
 * exit, then SIGKILLs the group, and reaps the child. --exit: the parent takes the time when
 * waitpid reports the child's exit, which must be status 0.
 * WARMUP runs are made first and not counted. Prints min, median, mean and max of the RUNS runs
 * as result lines (bench/README.md) with the given bench and impl names, in ms.
 */
#include "bench_common.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile uint64_t *shared_t0;

static pid_t start(char **cmd, int out_fd)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(in, 0);
		dup2(out_fd, 1);
		dup2(out_fd, 2);
		if (out_fd > 2)
			close(out_fd);
		*shared_t0 = now_ns();
		execvp(cmd[0], cmd);
		fprintf(stderr, "exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also from the parent, so that the group exists before any kill */
	return pid;
}

static void stop(pid_t pid)
{
	int status;

	kill(-pid, SIGINT);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			kill(-pid, SIGKILL);	/* anything the command left in its group */
			return;
		}
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
}

/* One run with --banner: ms from exec to the banner. */
static double run_banner(char **cmd, const char *banner, int timeout_s, int use_pipe)
{
	int fds[2];
	static char buf[1 << 20];
	size_t len = 0;

	if (use_pipe) {
		if (pipe2(fds, O_CLOEXEC))
			die("pipe: %s", strerror(errno));
	} else {
		struct termios raw;

		if (openpty(&fds[0], &fds[1], NULL, NULL, NULL))
			die("openpty: %s", strerror(errno));
		tcgetattr(fds[1], &raw);
		cfmakeraw(&raw);
		tcsetattr(fds[1], TCSANOW, &raw);
		fcntl(fds[0], F_SETFD, FD_CLOEXEC);
		fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	}
	*shared_t0 = 0;
	pid_t pid = start(cmd, fds[1]);
	close(fds[1]);

	uint64_t deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull, t1 = 0;
	while (!t1) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int64_t left_ms = ((int64_t)(deadline - now_ns())) / 1000000;

		if (left_ms <= 0 || poll(&p, 1, left_ms) == 0) {
			stop(pid);
			die("no banner within %d s from: %s; output so far:\n%.*s", timeout_s, cmd[0],
			    (int)len, buf);
		}
		ssize_t n = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			stop(pid);
			die("%s closed its output without printing the banner; output:\n%.*s",
			    cmd[0], (int)len, buf);
		}
		uint64_t t = now_ns();
		len += n;
		buf[len] = 0;
		if (strstr(buf, banner))
			t1 = t;
		else if (len == sizeof(buf) - 1)
			die("1 MiB of output without the banner");
	}
	stop(pid);
	close(fds[0]);
	if (!*shared_t0)
		die("no start time from the child");
	return (t1 - *shared_t0) / 1e6;
}

/* One run with --exit: ms from exec to exit. */
static double run_exit(char **cmd)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), status;

	if (null < 0)
		die("/dev/null: %s", strerror(errno));
	*shared_t0 = 0;
	pid_t pid = start(cmd, null);
	close(null);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	uint64_t t1 = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("%s failed (status 0x%x)", cmd[0], status);
	return (t1 - *shared_t0) / 1e6;
}

int main(int argc, char **argv)
{
	long runs = 20, warmup = 2, timeout_s = 30;
	const char *banner = NULL, *bench = NULL, *impl = NULL;
	int until_exit = 0, use_pipe = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) { i++; break; }
		if (!strcmp(argv[i], "--exit")) { until_exit = 1; continue; }
		if (!strcmp(argv[i], "--pipe")) { use_pipe = 1; continue; }
		if (i + 1 >= argc)
			die("missing value for %s", argv[i]);
		if (!strcmp(argv[i], "--runs")) runs = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--warmup")) warmup = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--timeout")) timeout_s = arg_long(argv[++i]);
		else if (!strcmp(argv[i], "--banner")) banner = argv[++i];
		else if (!strcmp(argv[i], "--bench")) bench = argv[++i];
		else if (!strcmp(argv[i], "--impl")) impl = argv[++i];
		else die("unknown option %s", argv[i]);
	}
	if (i >= argc || !bench || !impl || runs < 1 || (!banner) == !until_exit)
		die("usage: time_to_banner [--runs N] [--warmup N] [--timeout S] [--pipe] (--banner TEXT | --exit) --bench NAME --impl IMPL -- COMMAND [ARG...]");
	char **cmd = argv + i;

	shared_t0 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared_t0 == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);

	double *ms = calloc(runs, sizeof(*ms));
	for (long r = -warmup; r < runs; r++) {
		double v = until_exit ? run_exit(cmd) : run_banner(cmd, banner, timeout_s, use_pipe);

		if (r >= 0)
			ms[r] = v;
	}
	struct stats s = stats_of(ms, runs);
	char line[1024] = "";
	for (char **a = cmd; *a && strlen(line) < sizeof(line) - 200; a++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s", a == cmd ? "" : " ", *a);
	note("%s/%s: %s, %ld runs after %ld warm-up: %s", bench, impl,
	     until_exit ? "exec to exit" : use_pipe ? "exec to banner on a pipe" :
	     "exec to banner on a terminal", runs, warmup, line);
	result(bench, impl, "min", s.min, "ms");
	result(bench, impl, "median", s.median, "ms");
	result(bench, impl, "mean", s.mean, "ms");
	result(bench, impl, "max", s.max, "ms");
	return 0;
}
