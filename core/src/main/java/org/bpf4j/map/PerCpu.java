package org.bpf4j.map;

import java.util.List;
import java.util.function.ToLongFunction;

/** The values of one per-CPU map entry, one per possible CPU (index = CPU number). */
public record PerCpu<V>(List<V> values) {
    public V cpu(int cpu) {
        return values.get(cpu);
    }

    /** The sum over all CPUs of {@code f(value)} (wrapping like the kernel's u64 counters). */
    public long sum(ToLongFunction<? super V> f) {
        long s = 0;
        for (V v : values) s += f.applyAsLong(v);
        return s;
    }
}
