package org.bpf4j.map;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The values of one per-CPU map entry, one per possible CPU (index = CPU number).
 *
 * @param <V> the value type
 * @param values the values, unmodifiable, indexed by CPU number
 */
public record PerCpu<V>(List<V> values) {
    /**
     * The value of one CPU.
     *
     * @param cpu the CPU number, from 0 to the number of possible CPUs - 1
     * @return that CPU's value
     */
    public V cpu(int cpu) {
        return values.get(cpu);
    }

    /**
     * The sum over all CPUs of {@code f(value)} (wrapping like the kernel's u64 counters).
     *
     * @param f maps one CPU's value to a number
     * @return the sum
     */
    public long sum(ToLongFunction<? super V> f) {
        long s = 0;
        for (V v : values) s += f.applyAsLong(v);
        return s;
    }
}
