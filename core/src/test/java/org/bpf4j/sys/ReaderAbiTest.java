package org.bpf4j.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layouts the ring buffer and perf buffer readers rely on (BpfRingbuf, PerfRing, epoll_event,
 * perf_event_attr's wakeup fields), checked against the running kernel's BTF.
 */
class ReaderAbiTest {
    static Btf btf;

    @BeforeAll
    static void kernelBtf() {
        KernelTests.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "no readable /sys/kernel/btf/vmlinux");
        btf = Btf.kernel();
        KernelAbiTest.btf = btf;
    }

    static BtfType.Composite struct(String name) {
        int id = btf.find(name, BtfKind.STRUCT);
        assertTrue(id > 0, "struct " + name);
        return (BtfType.Composite) btf.type(id);
    }

    /** Byte offset of a member (looking into anonymous members). */
    static int offsetOf(String struct, String member) {
        Integer bits = KernelAbiTest.find(struct(struct), member);
        assertNotNull(bits, struct + "." + member);
        assertEquals(0, bits % 8, struct + "." + member + " is a bitfield");
        return bits / 8;
    }

    /** The value of an enumerator wherever it is declared (also in anonymous enums). */
    static long enumerator(String name) {
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            if (btf.type(id) instanceof BtfType.Enum e) {
                BtfType.EnumValue v = e.value(name);
                if (v != null) return e.signed() || e.is64() ? v.value() : v.value() & 0xffffffffL;
            }
        }
        throw new AssertionError("no enumerator " + name + " in the kernel BTF");
    }

    @Test
    void ringbufHeaderBitsAndPageLayout() {
        assertEquals(Integer.toUnsignedLong(BpfRingbuf.BUSY_BIT), enumerator("BPF_RINGBUF_BUSY_BIT"));
        assertEquals(BpfRingbuf.DISCARD_BIT, enumerator("BPF_RINGBUF_DISCARD_BIT"));
        assertEquals(BpfRingbuf.HDR_SZ, enumerator("BPF_RINGBUF_HDR_SZ"));
        assertEquals(BpfRingbuf.HDR_SZ, struct("bpf_ringbuf_hdr").size());
        assertEquals(0, offsetOf("bpf_ringbuf_hdr", "len"));
        assertEquals(BpfRingbuf.RB_NO_WAKEUP, enumerator("BPF_RB_NO_WAKEUP"));
        assertEquals(BpfRingbuf.RB_FORCE_WAKEUP, enumerator("BPF_RB_FORCE_WAKEUP"));
        // the kernel maps user page 0 at consumer_pos: producer_pos and data follow, each page-aligned
        int page = Os.pageSize();
        int cons = offsetOf("bpf_ringbuf", "consumer_pos");
        assertEquals(0, cons % page, "consumer_pos starts a page");
        assertEquals((BpfRingbuf.PRODUCER_PAGE - BpfRingbuf.CONSUMER_PAGE) * page, offsetOf("bpf_ringbuf", "producer_pos") - cons);
        assertEquals((BpfRingbuf.DATA_PAGE - BpfRingbuf.CONSUMER_PAGE) * page, offsetOf("bpf_ringbuf", "data") - cons);
    }

    @Test
    void perfMmapPageAndRecordLayouts() {
        assertEquals(PerfRing.DATA_HEAD, offsetOf("perf_event_mmap_page", "data_head"));
        assertEquals(PerfRing.DATA_TAIL, offsetOf("perf_event_mmap_page", "data_tail"));
        assertEquals(PerfRing.DATA_OFFSET, offsetOf("perf_event_mmap_page", "data_offset"));
        assertEquals(PerfRing.DATA_SIZE, offsetOf("perf_event_mmap_page", "data_size"));
        assertEquals(PerfRing.HDR_TYPE, offsetOf("perf_event_header", "type"));
        assertEquals(PerfRing.HDR_MISC, offsetOf("perf_event_header", "misc"));
        assertEquals(PerfRing.HDR_SIZE, offsetOf("perf_event_header", "size"));
        assertEquals(PerfRing.HEADER_BYTES, struct("perf_event_header").size());
        assertEquals(PerfRing.RECORD_LOST, enumerator("PERF_RECORD_LOST"));
        assertEquals(PerfRing.RECORD_SAMPLE, enumerator("PERF_RECORD_SAMPLE"));
        assertEquals(PerfEvent.SAMPLE_RAW, enumerator("PERF_SAMPLE_RAW"));
        assertEquals(PerfEvent.COUNT_SW_BPF_OUTPUT, enumerator("PERF_COUNT_SW_BPF_OUTPUT"));
        assertEquals(PerfEvent.TYPE_SOFTWARE, enumerator("PERF_TYPE_SOFTWARE"));
        assertEquals(PerfEvent.ATTR_WAKEUP, offsetOf("perf_event_attr", "wakeup_watermark"));
        assertEquals(PerfEvent.ATTR_WAKEUP, offsetOf("perf_event_attr", "wakeup_events"));
    }

    @Test
    void epollEventLayout() {
        BtfType.Composite ev = struct("epoll_event");
        assertEquals(Os.epollEventSize(), ev.size(), "struct epoll_event (packed on x86_64)");
        assertEquals(Os.epollEventSize() - 8, offsetOf("epoll_event", "data"));
    }
}
