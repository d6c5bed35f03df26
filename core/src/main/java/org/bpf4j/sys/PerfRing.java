package org.bpf4j.sys;

/**
 * The memory-mapped ring of a perf event ({@code uapi/linux/perf_event.h}): the metadata page
 * {@code struct perf_event_mmap_page} followed by 2^n data pages. The kernel writes records and
 * advances {@code data_head}; the reader consumes them and publishes {@code data_tail}. Every
 * record starts with {@code struct perf_event_header} ({@code u32 type; u16 misc; u16 size}) and
 * is 8-byte aligned; unlike the BPF ring buffer, a record may wrap around the end of the data area.
 */
public final class PerfRing {
    private PerfRing() {}

    /** Offsets in {@code struct perf_event_mmap_page}. */
    public static final int DATA_HEAD = 1024, DATA_TAIL = 1032, DATA_OFFSET = 1040, DATA_SIZE = 1048;

    /** Offsets in {@code struct perf_event_header}; its size. */
    public static final int HDR_TYPE = 0, HDR_MISC = 4, HDR_SIZE = 6, HEADER_BYTES = 8;

    /** {@code enum perf_event_type}. */
    public static final int RECORD_LOST = 2, RECORD_SAMPLE = 9;

    /** A {@code PERF_RECORD_SAMPLE} with only {@code PERF_SAMPLE_RAW}: header, {@code u32 size}, data. */
    public static final int SAMPLE_RAW_SIZE = 8, SAMPLE_RAW_DATA = 12;

    /** A {@code PERF_RECORD_LOST}: header, {@code u64 id}, {@code u64 lost}. */
    public static final int LOST_ID = 8, LOST_COUNT = 16;
}
