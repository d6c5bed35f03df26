#!/usr/bin/python3
# bcc-compile-load baseline: BCC's BPF(text=...) (compile with its in-process clang against the
# kernel headers, load, auto-attach) and cleanup(), on the same source as the bpf4j counterpart.
# The first cycle of the process is cold; warm is the mean of --iterations cycles after it.
# Output: bench/run's result lines, impl "bcc".
import sys
import time

from bcc import BPF


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def fmt(v):
    return "%.3f" % v if abs(v) < 100 else "%.1f" % v


def cycle(text):
    t0 = time.monotonic_ns()
    b = BPF(text=text)
    t1 = time.monotonic_ns()
    b.cleanup()
    t2 = time.monotonic_ns()
    return [(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6]


def main():
    source = sys.argv[1]
    iterations = int(arg("--iterations", 10))
    text = open(source).read()
    print("# bcc-compile-load: %s, bcc %s, cold = first BPF() of the process, warm = mean of %d"
          % (source, getattr(sys.modules["bcc"], "__version__", "?"), iterations))
    phases = ["compile_load_attach", "close", "total"]
    for name, v in zip(phases, cycle(text)):
        print("bcc-compile-load\tbcc\tcold_%s\t%s\tms" % (name, fmt(v)))
    runs = [cycle(text) for _ in range(iterations)]
    for i, name in enumerate(phases):
        print("bcc-compile-load\tbcc\twarm_%s\t%s\tms" % (name, fmt(sum(r[i] for r in runs) / iterations)))
    totals = sorted(r[2] for r in runs)
    n = len(totals)
    median = totals[n // 2] if n % 2 else (totals[n // 2 - 1] + totals[n // 2]) / 2
    print("bcc-compile-load\tbcc\twarm_total_median\t%s\tms" % fmt(median))


main()
