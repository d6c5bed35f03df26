/* Small helpers shared by the C baselines: clock, result lines, statistics, memory. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One measurement: bench<TAB>impl<TAB>metric<TAB>value<TAB>unit (bench/README.md). */
static inline void result(const char *bench, const char *impl, const char *metric,
			  double value, const char *unit)
{
	char v[64];

	if (value == (double)(int64_t)value && value < 1e15 && value > -1e15)
		snprintf(v, sizeof(v), "%lld", (long long)value);
	else if (value >= 100 || value <= -100)
		snprintf(v, sizeof(v), "%.1f", value);
	else
		snprintf(v, sizeof(v), "%.3f", value);
	printf("%s\t%s\t%s\t%s\t%s\n", bench, impl, metric, v, unit);
	fflush(stdout);
}

/*
 * The phases of a life-cycle benchmark (open-load-attach, open-load-usdt): cold_PHASE of the first
 * cycle, warm_PHASE (mean of the sums over `iterations` cycles) and warm_total_median.
 */
static inline void phase_results(const char *bench, const char *impl, const char *const *names, int n,
				 const double *cold, const double *sum, long iterations, double median)
{
	char metric[64];

	for (int p = 0; p < n; p++) {
		snprintf(metric, sizeof(metric), "cold_%s", names[p]);
		result(bench, impl, metric, cold[p], "ms");
	}
	for (int p = 0; p < n; p++) {
		snprintf(metric, sizeof(metric), "warm_%s", names[p]);
		result(bench, impl, metric, sum[p] / iterations, "ms");
	}
	result(bench, impl, "warm_total_median", median, "ms");
}

/* Free-form information: a line starting with '#', ignored by parsers of the results. */
static inline void note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline void die(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double min, median, mean, max;
};

/* Sorts v in place. */
static inline struct stats stats_of(double *v, int n)
{
	struct stats s = { 0 };
	double sum = 0;

	if (n <= 0)
		return s;
	qsort(v, n, sizeof(*v), cmp_double);
	for (int i = 0; i < n; i++)
		sum += v[i];
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.mean = sum / n;
	return s;
}

/* Bytes currently allocated by malloc: small chunks in use plus mmap'ed large chunks. */
static inline uint64_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* Peak resident set size of this process so far, in bytes. */
static inline uint64_t max_rss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_maxrss * 1024;
}

static inline long arg_long(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end)
		die("not a number: %s", s);
	return v;
}

#endif
