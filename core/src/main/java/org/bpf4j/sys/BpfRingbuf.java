package org.bpf4j.sys;

/**
 * The user-space ABI of {@code BPF_MAP_TYPE_RINGBUF} ({@code uapi/linux/bpf.h},
 * {@code kernel/bpf/ringbuf.c}), checked against the kernel's BTF in the tests.
 *
 * <p>Memory map of a ring buffer map fd, in pages from offset 0: the page holding
 * {@code consumer_pos} (the only one user space may map writable), the page holding
 * {@code producer_pos}, then the data area mapped twice in a row, so that a record that runs past
 * the end of the ring is still contiguous in memory. Every record starts with an 8-byte header
 * ({@code struct bpf_ringbuf_hdr}: {@code u32 len; s32 pg_off}) and takes
 * {@code roundup(len + 8, 8)} bytes.
 */
public final class BpfRingbuf {
    private BpfRingbuf() {}

    /** Set in a header's {@code len} while the record is reserved but not yet committed. */
    public static final int BUSY_BIT = 1 << 31;
    /** Set in a header's {@code len} when the record was discarded: skip it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** Size of {@code struct bpf_ringbuf_hdr}. */
    public static final int HDR_SZ = 8;
    /** Page index (in the mmap of the map fd) of {@code consumer_pos}, {@code producer_pos}, data. */
    public static final int CONSUMER_PAGE = 0, PRODUCER_PAGE = 1, DATA_PAGE = 2;

    /** {@code bpf_ringbuf_submit}/{@code _output} flags. */
    public static final long RB_NO_WAKEUP = 1, RB_FORCE_WAKEUP = 2;
}
