package org.bpf4j.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** {@code perf_event_open(2)} and the perf event ioctls ({@code uapi/linux/perf_event.h}). */
public final class PerfEvent {
    private PerfEvent() {}

    // perf_type_id
    public static final int TYPE_HARDWARE = 0, TYPE_SOFTWARE = 1, TYPE_TRACEPOINT = 2, TYPE_HW_CACHE = 3,
            TYPE_RAW = 4, TYPE_BREAKPOINT = 5;
    // perf_sw_ids
    public static final int COUNT_SW_CPU_CLOCK = 0, COUNT_SW_TASK_CLOCK = 1, COUNT_SW_PAGE_FAULTS = 2,
            COUNT_SW_CONTEXT_SWITCHES = 3, COUNT_SW_CPU_MIGRATIONS = 4, COUNT_SW_PAGE_FAULTS_MIN = 5,
            COUNT_SW_PAGE_FAULTS_MAJ = 6, COUNT_SW_ALIGNMENT_FAULTS = 7, COUNT_SW_EMULATION_FAULTS = 8,
            COUNT_SW_DUMMY = 9, COUNT_SW_BPF_OUTPUT = 10, COUNT_SW_CGROUP_SWITCHES = 11;
    // perf_hw_id
    public static final int COUNT_HW_CPU_CYCLES = 0, COUNT_HW_INSTRUCTIONS = 1, COUNT_HW_CACHE_REFERENCES = 2,
            COUNT_HW_CACHE_MISSES = 3, COUNT_HW_BRANCH_INSTRUCTIONS = 4, COUNT_HW_BRANCH_MISSES = 5,
            COUNT_HW_BUS_CYCLES = 6, COUNT_HW_STALLED_CYCLES_FRONTEND = 7, COUNT_HW_STALLED_CYCLES_BACKEND = 8,
            COUNT_HW_REF_CPU_CYCLES = 9;
    public static final int SAMPLE_RAW = 1 << 10;
    // struct perf_event_attr offsets
    public static final int ATTR_TYPE = 0, ATTR_SIZE = 4, ATTR_CONFIG = 8, ATTR_SAMPLE_PERIOD = 16,
            ATTR_SAMPLE_TYPE = 24, ATTR_READ_FORMAT = 32, ATTR_FLAGS = 40, ATTR_WAKEUP = 48,
            ATTR_BP_TYPE = 52, ATTR_CONFIG1 = 56, ATTR_CONFIG2 = 64, ATTR_BYTES = 128;
    // flag bits at ATTR_FLAGS
    public static final long FLAG_DISABLED = 1L, FLAG_INHERIT = 1L << 1, FLAG_EXCLUDE_USER = 1L << 4,
            FLAG_EXCLUDE_KERNEL = 1L << 5, FLAG_FREQ = 1L << 10, FLAG_WATERMARK = 1L << 14;
    public static final long FLAG_FD_CLOEXEC = 8;
    // ioctls
    public static final long IOC_ENABLE = 0x2400, IOC_DISABLE = 0x2401, IOC_SET_BPF = 0x40042408L;

    /** The fields of {@code struct perf_event_attr} bpf4j uses. */
    public record Attr(int type, long config, long samplePeriodOrFreq, long sampleType, long flags,
                       int wakeupEventsOrWatermark, long config1, long config2) {
        public static Attr tracepoint(long id) {
            return new Attr(TYPE_TRACEPOINT, id, 1, SAMPLE_RAW, 0, 1, 0, 0);
        }
    }

    /** {@code perf_event_open(attr, pid, cpu, groupFd, PERF_FLAG_FD_CLOEXEC)}; returns the fd or -errno. */
    public static long openRaw(Attr attr, int pid, int cpu, int groupFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ATTR_BYTES, 8);
            a.set(JAVA_INT, ATTR_TYPE, attr.type());
            a.set(JAVA_INT, ATTR_SIZE, ATTR_BYTES);
            a.set(JAVA_LONG, ATTR_CONFIG, attr.config());
            a.set(JAVA_LONG, ATTR_SAMPLE_PERIOD, attr.samplePeriodOrFreq());
            a.set(JAVA_LONG, ATTR_SAMPLE_TYPE, attr.sampleType());
            a.set(JAVA_LONG, ATTR_FLAGS, attr.flags());
            a.set(JAVA_INT, ATTR_WAKEUP, attr.wakeupEventsOrWatermark());
            a.set(JAVA_LONG, ATTR_CONFIG1, attr.config1());
            a.set(JAVA_LONG, ATTR_CONFIG2, attr.config2());
            return Native.call(SysNr.PERF_EVENT_OPEN, a.address(), pid, cpu, groupFd, FLAG_FD_CLOEXEC, 0);
        }
    }

    /** {@code perf_event_open}, throwing a {@link org.bpf4j.SyscallException} that names {@code what}. */
    public static Fd open(Attr attr, int pid, int cpu, String what) {
        return new Fd((int) Errors.check(openRaw(attr, pid, cpu, -1), "perf_event_open", what));
    }
}
