package org.bpf4j.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The bpf(2) system call, one method per command. Attribute layouts ({@code union bpf_attr} of
 * {@code uapi/linux/bpf.h}) live here and only here, as offset constants checked against the
 * running kernel's BTF by a test.
 *
 * <p>Methods that return {@code long} return the raw result ({@code -errno} on failure) so the
 * caller can decide, for instance to retry a program load with a verifier log; the others throw
 * {@link org.bpf4j.SyscallException} naming the command and errno.
 */
public final class Bpf {
    private Bpf() {}

    // --- union bpf_attr, BPF_MAP_CREATE
    public static final int MAP_CREATE_MAP_TYPE = 0, MAP_CREATE_KEY_SIZE = 4, MAP_CREATE_VALUE_SIZE = 8,
            MAP_CREATE_MAX_ENTRIES = 12, MAP_CREATE_MAP_FLAGS = 16, MAP_CREATE_INNER_MAP_FD = 20,
            MAP_CREATE_NUMA_NODE = 24, MAP_CREATE_MAP_NAME = 28, MAP_CREATE_MAP_IFINDEX = 44,
            MAP_CREATE_BTF_FD = 48, MAP_CREATE_BTF_KEY_TYPE_ID = 52, MAP_CREATE_BTF_VALUE_TYPE_ID = 56,
            MAP_CREATE_BTF_VMLINUX_VALUE_TYPE_ID = 60, MAP_CREATE_MAP_EXTRA = 64, MAP_CREATE_SIZE = 72;
    // --- BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY
    public static final int ELEM_MAP_FD = 0, ELEM_KEY = 8, ELEM_VALUE = 16, ELEM_FLAGS = 24, ELEM_SIZE = 32;
    // --- BPF_MAP_*_BATCH
    public static final int BATCH_IN_BATCH = 0, BATCH_OUT_BATCH = 8, BATCH_KEYS = 16, BATCH_VALUES = 24,
            BATCH_COUNT = 32, BATCH_MAP_FD = 36, BATCH_ELEM_FLAGS = 40, BATCH_FLAGS = 48, BATCH_SIZE = 56;
    // --- BPF_PROG_LOAD
    public static final int PROG_LOAD_PROG_TYPE = 0, PROG_LOAD_INSN_CNT = 4, PROG_LOAD_INSNS = 8,
            PROG_LOAD_LICENSE = 16, PROG_LOAD_LOG_LEVEL = 24, PROG_LOAD_LOG_SIZE = 28, PROG_LOAD_LOG_BUF = 32,
            PROG_LOAD_KERN_VERSION = 40, PROG_LOAD_PROG_FLAGS = 44, PROG_LOAD_PROG_NAME = 48,
            PROG_LOAD_PROG_IFINDEX = 64, PROG_LOAD_EXPECTED_ATTACH_TYPE = 68, PROG_LOAD_PROG_BTF_FD = 72,
            PROG_LOAD_FUNC_INFO_REC_SIZE = 76, PROG_LOAD_FUNC_INFO = 80, PROG_LOAD_FUNC_INFO_CNT = 88,
            PROG_LOAD_LINE_INFO_REC_SIZE = 92, PROG_LOAD_LINE_INFO = 96, PROG_LOAD_LINE_INFO_CNT = 104,
            PROG_LOAD_ATTACH_BTF_ID = 108, PROG_LOAD_ATTACH_BTF_OBJ_FD = 112, PROG_LOAD_CORE_RELO_CNT = 116,
            PROG_LOAD_FD_ARRAY = 120, PROG_LOAD_CORE_RELOS = 128, PROG_LOAD_CORE_RELO_REC_SIZE = 136,
            PROG_LOAD_LOG_TRUE_SIZE = 140, PROG_LOAD_SIZE = 144;
    // --- BPF_OBJ_PIN, BPF_OBJ_GET
    public static final int OBJ_PATHNAME = 0, OBJ_BPF_FD = 8, OBJ_FILE_FLAGS = 12, OBJ_SIZE = 16;
    // --- BPF_PROG_ATTACH, BPF_PROG_DETACH
    public static final int ATTACH_TARGET_FD = 0, ATTACH_BPF_FD = 4, ATTACH_TYPE = 8, ATTACH_FLAGS = 12,
            ATTACH_REPLACE_BPF_FD = 16, ATTACH_SIZE = 20;
    // --- BPF_PROG_TEST_RUN
    public static final int TEST_PROG_FD = 0, TEST_RETVAL = 4, TEST_DATA_SIZE_IN = 8, TEST_DATA_SIZE_OUT = 12,
            TEST_DATA_IN = 16, TEST_DATA_OUT = 24, TEST_REPEAT = 32, TEST_DURATION = 36, TEST_CTX_SIZE_IN = 40,
            TEST_CTX_SIZE_OUT = 44, TEST_CTX_IN = 48, TEST_CTX_OUT = 56, TEST_FLAGS = 64, TEST_CPU = 68,
            TEST_SIZE = 72;
    // --- BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID
    public static final int ID_START_ID = 0, ID_NEXT_ID = 4, ID_OPEN_FLAGS = 8, ID_SIZE = 12;
    // --- BPF_OBJ_GET_INFO_BY_FD
    public static final int INFO_BPF_FD = 0, INFO_INFO_LEN = 4, INFO_INFO = 8, INFO_SIZE = 16;
    // --- BPF_RAW_TRACEPOINT_OPEN
    public static final int RAW_TP_NAME = 0, RAW_TP_PROG_FD = 8, RAW_TP_SIZE = 12;
    // --- BPF_BTF_LOAD
    public static final int BTF_LOAD_BTF = 0, BTF_LOAD_LOG_BUF = 8, BTF_LOAD_BTF_SIZE = 16,
            BTF_LOAD_LOG_SIZE = 20, BTF_LOAD_LOG_LEVEL = 24, BTF_LOAD_LOG_TRUE_SIZE = 28, BTF_LOAD_SIZE = 28;
    // --- BPF_LINK_CREATE
    public static final int LINK_CREATE_PROG_FD = 0, LINK_CREATE_TARGET_FD = 4, LINK_CREATE_ATTACH_TYPE = 8,
            LINK_CREATE_FLAGS = 12, LINK_CREATE_UNION = 16, LINK_CREATE_SIZE = 64;
    /** Members of the attach-type specific union of {@code BPF_LINK_CREATE}. */
    public static final int LINK_CREATE_PERF_EVENT_BPF_COOKIE = 16, LINK_CREATE_TCX_RELATIVE_FD = 16,
            LINK_CREATE_TCX_EXPECTED_REVISION = 24;
    // --- struct bpf_btf_info (BPF_OBJ_GET_INFO_BY_FD on a BTF object)
    public static final int BTF_INFO_BTF = 0, BTF_INFO_BTF_SIZE = 8, BTF_INFO_ID = 12, BTF_INFO_NAME = 16,
            BTF_INFO_NAME_LEN = 24, BTF_INFO_KERNEL_BTF = 28, BTF_INFO_SIZE = 32;
    // --- struct bpf_prog_info (BPF_OBJ_GET_INFO_BY_FD on a program); PROG_INFO_SIZE is 6.1's size
    public static final int PROG_INFO_TYPE = 0, PROG_INFO_ID = 4, PROG_INFO_TAG = 8, PROG_INFO_JITED_PROG_LEN = 16,
            PROG_INFO_XLATED_PROG_LEN = 20, PROG_INFO_JITED_PROG_INSNS = 24, PROG_INFO_XLATED_PROG_INSNS = 32,
            PROG_INFO_LOAD_TIME = 40, PROG_INFO_CREATED_BY_UID = 48, PROG_INFO_NR_MAP_IDS = 52,
            PROG_INFO_MAP_IDS = 56, PROG_INFO_NAME = 64, PROG_INFO_IFINDEX = 80, PROG_INFO_GPL_COMPATIBLE = 84,
            PROG_INFO_NR_JITED_KSYMS = 104, PROG_INFO_JITED_KSYMS = 112,
            PROG_INFO_BTF_ID = 128, PROG_INFO_FUNC_INFO_REC_SIZE = 132, PROG_INFO_FUNC_INFO = 136,
            PROG_INFO_NR_FUNC_INFO = 144, PROG_INFO_NR_LINE_INFO = 148, PROG_INFO_LINE_INFO = 152,
            PROG_INFO_LINE_INFO_REC_SIZE = 172, PROG_INFO_RUN_TIME_NS = 192, PROG_INFO_RUN_CNT = 200,
            PROG_INFO_RECURSION_MISSES = 208, PROG_INFO_VERIFIED_INSNS = 216, PROG_INFO_ATTACH_BTF_OBJ_ID = 220,
            PROG_INFO_ATTACH_BTF_ID = 224, PROG_INFO_SIZE = 232;
    // --- struct bpf_map_info
    public static final int MAP_INFO_TYPE = 0, MAP_INFO_ID = 4, MAP_INFO_KEY_SIZE = 8, MAP_INFO_VALUE_SIZE = 12,
            MAP_INFO_MAX_ENTRIES = 16, MAP_INFO_MAP_FLAGS = 20, MAP_INFO_NAME = 24, MAP_INFO_IFINDEX = 40,
            MAP_INFO_BTF_VMLINUX_VALUE_TYPE_ID = 44, MAP_INFO_BTF_ID = 64, MAP_INFO_BTF_KEY_TYPE_ID = 68,
            MAP_INFO_BTF_VALUE_TYPE_ID = 72, MAP_INFO_MAP_EXTRA = 80, MAP_INFO_SIZE = 88;
    // --- struct bpf_link_info: the head, then a union of one member per link type
    public static final int LINK_INFO_TYPE = 0, LINK_INFO_ID = 4, LINK_INFO_PROG_ID = 8, LINK_INFO_UNION = 16,
            LINK_INFO_SIZE = 64;
    /** Members of the link-type specific union of {@code struct bpf_link_info}. */
    public static final int LINK_INFO_RAW_TP_NAME = 16, LINK_INFO_RAW_TP_NAME_LEN = 24,
            LINK_INFO_TRACING_ATTACH_TYPE = 16, LINK_INFO_TRACING_TARGET_OBJ_ID = 20,
            LINK_INFO_TRACING_TARGET_BTF_ID = 24, LINK_INFO_CGROUP_ID = 16, LINK_INFO_CGROUP_ATTACH_TYPE = 24,
            LINK_INFO_ITER_TARGET_NAME = 16, LINK_INFO_ITER_TARGET_NAME_LEN = 24, LINK_INFO_NETNS_INO = 16,
            LINK_INFO_NETNS_ATTACH_TYPE = 20, LINK_INFO_XDP_IFINDEX = 16, LINK_INFO_TCX_IFINDEX = 16,
            LINK_INFO_TCX_ATTACH_TYPE = 20, LINK_INFO_PERF_EVENT_TYPE = 16;
    // --- BPF_TASK_FD_QUERY
    public static final int TASK_FD_PID = 0, TASK_FD_FD = 4, TASK_FD_FLAGS = 8, TASK_FD_BUF_LEN = 12,
            TASK_FD_BUF = 16, TASK_FD_PROG_ID = 24, TASK_FD_FD_TYPE = 28, TASK_FD_PROBE_OFFSET = 32,
            TASK_FD_PROBE_ADDR = 40, TASK_FD_SIZE = 48;
    // --- BPF_ENABLE_STATS
    public static final int ENABLE_STATS_TYPE = 0, ENABLE_STATS_SIZE = 4;
    /** {@code enum bpf_stats_type}. */
    public static final int STATS_RUN_TIME = 0;
    // --- BPF_LINK_DETACH, BPF_MAP_FREEZE (first field is the fd)
    public static final int FD_ONLY_SIZE = 4;

    /** {@code BPF_F_*} map update flags. */
    public static final long ANY = 0, NOEXIST = 1, EXIST = 2, F_LOCK = 4;

    private static long bpf(BpfCmd cmd, MemorySegment attr, int size) {
        return Native.call(SysNr.BPF, cmd.code(), attr.address(), size);
    }

    static MemorySegment attr() {
        return Scratch.attr();
    }

    private static void putName(MemorySegment attr, long offset, String name) {
        if (name == null) return;
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, 15); // BPF_OBJ_NAME_LEN - 1
        MemorySegment.copy(b, 0, attr, JAVA_BYTE, offset, n);
    }

    // ---------------------------------------------------------------------------------- maps

    /** Parameters of {@code BPF_MAP_CREATE}. */
    public record MapCreate(int type, int keySize, int valueSize, int maxEntries, int flags, String name,
                            int innerMapFd, int btfFd, int btfKeyTypeId, int btfValueTypeId,
                            int btfVmlinuxValueTypeId, long mapExtra, int ifindex, int numaNode) {
        public MapCreate(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
            this(type, keySize, valueSize, maxEntries, flags, name, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** {@code BPF_MAP_CREATE}; returns the fd or {@code -errno}. */
    public static long mapCreateRaw(MapCreate p) {
        MemorySegment a = attr();
        a.set(JAVA_INT, MAP_CREATE_MAP_TYPE, p.type());
        a.set(JAVA_INT, MAP_CREATE_KEY_SIZE, p.keySize());
        a.set(JAVA_INT, MAP_CREATE_VALUE_SIZE, p.valueSize());
        a.set(JAVA_INT, MAP_CREATE_MAX_ENTRIES, p.maxEntries());
        a.set(JAVA_INT, MAP_CREATE_MAP_FLAGS, p.flags());
        a.set(JAVA_INT, MAP_CREATE_INNER_MAP_FD, p.innerMapFd());
        a.set(JAVA_INT, MAP_CREATE_NUMA_NODE, p.numaNode());
        putName(a, MAP_CREATE_MAP_NAME, p.name());
        a.set(JAVA_INT, MAP_CREATE_MAP_IFINDEX, p.ifindex());
        a.set(JAVA_INT, MAP_CREATE_BTF_FD, p.btfFd());
        a.set(JAVA_INT, MAP_CREATE_BTF_KEY_TYPE_ID, p.btfKeyTypeId());
        a.set(JAVA_INT, MAP_CREATE_BTF_VALUE_TYPE_ID, p.btfValueTypeId());
        a.set(JAVA_INT, MAP_CREATE_BTF_VMLINUX_VALUE_TYPE_ID, p.btfVmlinuxValueTypeId());
        a.set(JAVA_LONG, MAP_CREATE_MAP_EXTRA, p.mapExtra());
        return bpf(BpfCmd.MAP_CREATE, a, MAP_CREATE_SIZE);
    }

    /** {@code BPF_MAP_CREATE}, throwing on failure. */
    public static Fd mapCreate(MapCreate p) {
        long r = mapCreateRaw(p);
        Errors.check(r, "BPF_MAP_CREATE", p.name() == null ? null : "map '" + p.name() + "'");
        return new Fd((int) r);
    }

    /**
     * One element command ({@code MAP_LOOKUP_ELEM}, {@code MAP_UPDATE_ELEM}, {@code MAP_DELETE_ELEM},
     * {@code MAP_GET_NEXT_KEY}, {@code MAP_LOOKUP_AND_DELETE_ELEM}); returns 0 or {@code -errno}.
     */
    public static long mapElemRaw(BpfCmd cmd, int fd, MemorySegment key, MemorySegment value, long flags) {
        return elem(cmd, fd, key, value, flags);
    }

    private static long elem(BpfCmd cmd, int fd, MemorySegment key, MemorySegment value, long flags) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ELEM_MAP_FD, fd);
        a.set(JAVA_LONG, ELEM_KEY, key == null ? 0 : key.address());
        a.set(JAVA_LONG, ELEM_VALUE, value == null ? 0 : value.address());
        a.set(JAVA_LONG, ELEM_FLAGS, flags);
        return bpf(cmd, a, ELEM_SIZE);
    }

    /** {@code BPF_MAP_LOOKUP_ELEM}: false if the key is absent. */
    public static boolean mapLookup(int fd, MemorySegment key, MemorySegment value, long flags) {
        long r = elem(BpfCmd.MAP_LOOKUP_ELEM, fd, key, value, flags);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_LOOKUP_ELEM", null);
        return true;
    }

    /** {@code BPF_MAP_LOOKUP_AND_DELETE_ELEM} (queues, stacks, hashes): false if absent/empty. */
    public static boolean mapLookupAndDelete(int fd, MemorySegment key, MemorySegment value) {
        long r = elem(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_LOOKUP_AND_DELETE_ELEM", null);
        return true;
    }

    /** {@code BPF_MAP_UPDATE_ELEM}; returns 0 or {@code -errno}. */
    public static long mapUpdateRaw(int fd, MemorySegment key, MemorySegment value, long flags) {
        return elem(BpfCmd.MAP_UPDATE_ELEM, fd, key, value, flags);
    }

    /** {@code BPF_MAP_DELETE_ELEM}: false if the key was absent. */
    public static boolean mapDelete(int fd, MemorySegment key) {
        long r = elem(BpfCmd.MAP_DELETE_ELEM, fd, key, null, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_DELETE_ELEM", null);
        return true;
    }

    /** {@code BPF_MAP_GET_NEXT_KEY}: false after the last key. A null key asks for the first. */
    public static boolean mapGetNextKey(int fd, MemorySegment key, MemorySegment nextKey) {
        long r = elem(BpfCmd.MAP_GET_NEXT_KEY, fd, key, nextKey, 0);
        if (r == -Errno.ENOENT) return false;
        Errors.check(r, "BPF_MAP_GET_NEXT_KEY", null);
        return true;
    }

    /** {@code BPF_MAP_FREEZE}. */
    public static void mapFreeze(int fd) {
        MemorySegment a = attr();
        a.set(JAVA_INT, 0, fd);
        Errors.check(bpf(BpfCmd.MAP_FREEZE, a, FD_ONLY_SIZE), "BPF_MAP_FREEZE", null);
    }

    /**
     * One batch command ({@code MAP_LOOKUP_BATCH}, {@code MAP_LOOKUP_AND_DELETE_BATCH},
     * {@code MAP_UPDATE_BATCH}, {@code MAP_DELETE_BATCH}). Returns the number of elements
     * processed, or {@code -errno}; for lookups, {@code -ENOENT} together with a count written to
     * {@code countOut[0]} means the end of the map was reached.
     */
    public static long mapBatchRaw(BpfCmd cmd, int fd, MemorySegment inBatch, MemorySegment outBatch,
                                   MemorySegment keys, MemorySegment values, int count, long elemFlags,
                                   int[] countOut) {
        MemorySegment a = attr();
        a.set(JAVA_LONG, BATCH_IN_BATCH, inBatch == null ? 0 : inBatch.address());
        a.set(JAVA_LONG, BATCH_OUT_BATCH, outBatch == null ? 0 : outBatch.address());
        a.set(JAVA_LONG, BATCH_KEYS, keys == null ? 0 : keys.address());
        a.set(JAVA_LONG, BATCH_VALUES, values == null ? 0 : values.address());
        a.set(JAVA_INT, BATCH_COUNT, count);
        a.set(JAVA_INT, BATCH_MAP_FD, fd);
        a.set(JAVA_LONG, BATCH_ELEM_FLAGS, elemFlags);
        long r = bpf(cmd, a, BATCH_SIZE);
        countOut[0] = a.get(JAVA_INT, BATCH_COUNT);
        return r;
    }

    // ---------------------------------------------------------------------------------- programs

    /** Parameters of {@code BPF_PROG_LOAD}. Segments must be native memory. */
    public record ProgLoad(int type, MemorySegment insns, int insnCount, String license, String name,
                           int expectedAttachType, int progFlags, int kernVersion,
                           int btfFd, MemorySegment funcInfo, int funcInfoRecSize, int funcInfoCount,
                           MemorySegment lineInfo, int lineInfoRecSize, int lineInfoCount,
                           int attachBtfId, int attachBtfObjFd, int attachProgFd, int ifindex,
                           MemorySegment fdArray) {}

    /**
     * {@code BPF_PROG_LOAD}; returns the fd or {@code -errno}. With a log buffer, the verifier
     * writes its log there at {@code logLevel}; {@code trueSizeOut[0]} gets the size it needed
     * (kernels 6.4+, 0 otherwise).
     */
    public static long progLoadRaw(ProgLoad p, MemorySegment license, MemorySegment log, int logLevel,
                                   int[] trueSizeOut) {
        MemorySegment a = attr();
        a.set(JAVA_INT, PROG_LOAD_PROG_TYPE, p.type());
        a.set(JAVA_INT, PROG_LOAD_INSN_CNT, p.insnCount());
        a.set(JAVA_LONG, PROG_LOAD_INSNS, p.insns().address());
        a.set(JAVA_LONG, PROG_LOAD_LICENSE, license.address());
        if (log != null) {
            a.set(JAVA_INT, PROG_LOAD_LOG_LEVEL, logLevel);
            a.set(JAVA_INT, PROG_LOAD_LOG_SIZE, (int) Math.min(log.byteSize(), Integer.MAX_VALUE));
            a.set(JAVA_LONG, PROG_LOAD_LOG_BUF, log.address());
        }
        a.set(JAVA_INT, PROG_LOAD_KERN_VERSION, p.kernVersion());
        a.set(JAVA_INT, PROG_LOAD_PROG_FLAGS, p.progFlags());
        putName(a, PROG_LOAD_PROG_NAME, p.name());
        a.set(JAVA_INT, PROG_LOAD_PROG_IFINDEX, p.ifindex());
        a.set(JAVA_INT, PROG_LOAD_EXPECTED_ATTACH_TYPE, p.expectedAttachType());
        a.set(JAVA_INT, PROG_LOAD_PROG_BTF_FD, p.btfFd());
        if (p.funcInfo() != null && p.funcInfoCount() > 0) {
            a.set(JAVA_INT, PROG_LOAD_FUNC_INFO_REC_SIZE, p.funcInfoRecSize());
            a.set(JAVA_LONG, PROG_LOAD_FUNC_INFO, p.funcInfo().address());
            a.set(JAVA_INT, PROG_LOAD_FUNC_INFO_CNT, p.funcInfoCount());
        }
        if (p.lineInfo() != null && p.lineInfoCount() > 0) {
            a.set(JAVA_INT, PROG_LOAD_LINE_INFO_REC_SIZE, p.lineInfoRecSize());
            a.set(JAVA_LONG, PROG_LOAD_LINE_INFO, p.lineInfo().address());
            a.set(JAVA_INT, PROG_LOAD_LINE_INFO_CNT, p.lineInfoCount());
        }
        a.set(JAVA_INT, PROG_LOAD_ATTACH_BTF_ID, p.attachBtfId());
        a.set(JAVA_INT, PROG_LOAD_ATTACH_BTF_OBJ_FD, p.attachProgFd() != 0 ? p.attachProgFd() : p.attachBtfObjFd());
        if (p.fdArray() != null) a.set(JAVA_LONG, PROG_LOAD_FD_ARRAY, p.fdArray().address());
        long r = bpf(BpfCmd.PROG_LOAD, a, PROG_LOAD_SIZE);
        if (trueSizeOut != null) trueSizeOut[0] = a.get(JAVA_INT, PROG_LOAD_LOG_TRUE_SIZE);
        return r;
    }

    /** {@code BPF_PROG_TEST_RUN}. */
    public static org.bpf4j.TestRunResult progTestRun(int progFd, MemorySegment dataIn, MemorySegment dataOut,
                                            MemorySegment ctxIn, MemorySegment ctxOut, int repeat,
                                            int flags, int cpu) {
        MemorySegment a = attr();
        a.set(JAVA_INT, TEST_PROG_FD, progFd);
        if (dataIn != null) {
            a.set(JAVA_INT, TEST_DATA_SIZE_IN, (int) dataIn.byteSize());
            a.set(JAVA_LONG, TEST_DATA_IN, dataIn.address());
        }
        if (dataOut != null) {
            a.set(JAVA_INT, TEST_DATA_SIZE_OUT, (int) dataOut.byteSize());
            a.set(JAVA_LONG, TEST_DATA_OUT, dataOut.address());
        }
        a.set(JAVA_INT, TEST_REPEAT, repeat);
        if (ctxIn != null) {
            a.set(JAVA_INT, TEST_CTX_SIZE_IN, (int) ctxIn.byteSize());
            a.set(JAVA_LONG, TEST_CTX_IN, ctxIn.address());
        }
        if (ctxOut != null) {
            a.set(JAVA_INT, TEST_CTX_SIZE_OUT, (int) ctxOut.byteSize());
            a.set(JAVA_LONG, TEST_CTX_OUT, ctxOut.address());
        }
        a.set(JAVA_INT, TEST_FLAGS, flags);
        a.set(JAVA_INT, TEST_CPU, cpu);
        Errors.check(bpf(BpfCmd.PROG_TEST_RUN, a, TEST_SIZE), "BPF_PROG_TEST_RUN", null);
        return new org.bpf4j.TestRunResult(a.get(JAVA_INT, TEST_RETVAL), a.get(JAVA_INT, TEST_DURATION),
                a.get(JAVA_INT, TEST_DATA_SIZE_OUT), a.get(JAVA_INT, TEST_CTX_SIZE_OUT));
    }

    // ---------------------------------------------------------------------------------- BTF

    /** {@code BPF_BTF_LOAD}; returns the fd or {@code -errno}. */
    public static long btfLoadRaw(MemorySegment btf, MemorySegment log, int logLevel) {
        MemorySegment a = attr();
        a.set(JAVA_LONG, BTF_LOAD_BTF, btf.address());
        a.set(JAVA_INT, BTF_LOAD_BTF_SIZE, (int) btf.byteSize());
        if (log != null) {
            a.set(JAVA_LONG, BTF_LOAD_LOG_BUF, log.address());
            a.set(JAVA_INT, BTF_LOAD_LOG_SIZE, (int) log.byteSize());
            a.set(JAVA_INT, BTF_LOAD_LOG_LEVEL, logLevel);
        }
        return bpf(BpfCmd.BTF_LOAD, a, BTF_LOAD_SIZE);
    }

    // ---------------------------------------------------------------------------------- objects

    /** {@code BPF_OBJ_GET_INFO_BY_FD}: fills {@code info}; returns the length the kernel wrote. */
    public static int objGetInfo(int fd, MemorySegment info) {
        MemorySegment a = attr();
        a.set(JAVA_INT, INFO_BPF_FD, fd);
        a.set(JAVA_INT, INFO_INFO_LEN, (int) info.byteSize());
        a.set(JAVA_LONG, INFO_INFO, info.address());
        Errors.check(bpf(BpfCmd.OBJ_GET_INFO_BY_FD, a, INFO_SIZE), "BPF_OBJ_GET_INFO_BY_FD", null);
        return a.get(JAVA_INT, INFO_INFO_LEN);
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD}; returns 0 or {@code -errno}. */
    public static long objGetInfoRaw(int fd, MemorySegment info) {
        MemorySegment a = attr();
        a.set(JAVA_INT, INFO_BPF_FD, fd);
        a.set(JAVA_INT, INFO_INFO_LEN, (int) info.byteSize());
        a.set(JAVA_LONG, INFO_INFO, info.address());
        return bpf(BpfCmd.OBJ_GET_INFO_BY_FD, a, INFO_SIZE);
    }

    /**
     * An fd for the kernel's BTF object named {@code name} ({@code vmlinux}, or a module's), found
     * by walking BTF ids ({@code BPF_BTF_GET_NEXT_ID}) and asking each its name; null if none has it.
     * What a program attaching to a module function passes as {@code attach_btf_obj_fd}.
     */
    public static Fd kernelBtf(String name) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BTF_INFO_SIZE, 8);
            MemorySegment nameBuf = arena.allocate(64);
            for (int id = getNextId(BpfCmd.BTF_GET_NEXT_ID, 0); id > 0; id = getNextId(BpfCmd.BTF_GET_NEXT_ID, id)) {
                long fd = getFdByIdRaw(BpfCmd.BTF_GET_FD_BY_ID, id);
                if (fd < 0) continue; // freed meanwhile
                Fd owned = new Fd((int) fd);
                info.fill((byte) 0);
                nameBuf.fill((byte) 0);
                info.set(JAVA_LONG, BTF_INFO_NAME, nameBuf.address());
                info.set(JAVA_INT, BTF_INFO_NAME_LEN, (int) nameBuf.byteSize());
                if (objGetInfoRaw(owned.value(), info) == 0 && info.get(JAVA_INT, BTF_INFO_KERNEL_BTF) != 0
                        && nameBuf.getString(0).equals(name)) {
                    return owned;
                }
                owned.close();
            }
            return null;
        }
    }

    /**
     * {@code BPF_ENABLE_STATS}: the kernel counts run time and runs of every program while the
     * returned fd is open ({@code kernel.bpf_stats_enabled} does the same system-wide).
     */
    public static Fd enableStats(int type) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ENABLE_STATS_TYPE, type);
        return new Fd((int) Errors.check(bpf(BpfCmd.ENABLE_STATS, a, ENABLE_STATS_SIZE), "BPF_ENABLE_STATS", null));
    }

    /** The answer of {@code BPF_TASK_FD_QUERY}: the program a perf event or raw tracepoint fd carries. */
    public record TaskFd(int progId, int fdType, String name, long probeOffset, long probeAddr) {}

    /**
     * {@code BPF_TASK_FD_QUERY}: what BPF program the file descriptor {@code fd} of process
     * {@code pid} attaches (perf event or raw tracepoint); null if it is no such fd.
     */
    public static TaskFd taskFdQuery(int pid, int fd, MemorySegment buf) {
        MemorySegment a = attr();
        a.set(JAVA_INT, TASK_FD_PID, pid);
        a.set(JAVA_INT, TASK_FD_FD, fd);
        a.set(JAVA_INT, TASK_FD_BUF_LEN, (int) buf.byteSize());
        a.set(JAVA_LONG, TASK_FD_BUF, buf.address());
        buf.set(JAVA_BYTE, 0, (byte) 0);
        if (bpf(BpfCmd.TASK_FD_QUERY, a, TASK_FD_SIZE) < 0) return null;
        return new TaskFd(a.get(JAVA_INT, TASK_FD_PROG_ID), a.get(JAVA_INT, TASK_FD_FD_TYPE), buf.getString(0),
                a.get(JAVA_LONG, TASK_FD_PROBE_OFFSET), a.get(JAVA_LONG, TASK_FD_PROBE_ADDR));
    }

    /** {@code BPF_OBJ_PIN}: pins {@code fd} at {@code path} on a bpffs. */
    public static void objPin(int fd, String path) {
        MemorySegment a = attr();
        a.set(JAVA_LONG, OBJ_PATHNAME, Scratch.cString(path).address());
        a.set(JAVA_INT, OBJ_BPF_FD, fd);
        Errors.check(bpf(BpfCmd.OBJ_PIN, a, OBJ_SIZE), "BPF_OBJ_PIN", path);
    }

    /**
     * {@code BPF_OBJ_GET} of a pin that must hold a {@code kind} ({@code "prog"}, {@code "map"} or
     * {@code "link"}, as the fd's anon inode names it): a clear error for a pin of another kind.
     */
    public static Fd objGet(String path, String kind) {
        Fd fd = objGet(path, 0);
        String target;
        try {
            target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd.value())).toString();
        } catch (java.io.IOException e) {
            return fd; // no /proc: the kernel's answers will tell
        }
        // anon_inode:bpf-prog, anon_inode:bpf-map, anon_inode:bpf_link
        String actual = target.startsWith("anon_inode:bpf") ? target.substring("anon_inode:bpf".length() + 1) : target;
        if (!actual.equals(kind)) {
            fd.close();
            String what = switch (kind) {
                case "prog" -> "program";
                case "map" -> "map";
                default -> "link";
            };
            String holds = switch (actual) {
                case "prog" -> "a program";
                case "map" -> "a map";
                case "link" -> "a link";
                default -> target;
            };
            throw new org.bpf4j.BpfException(path + " is not a pinned " + what + " (it holds " + holds + ")");
        }
        return fd;
    }

    /** {@code BPF_OBJ_GET}: opens the object pinned at {@code path}. */
    public static Fd objGet(String path, int fileFlags) {
        MemorySegment a = attr();
        a.set(JAVA_LONG, OBJ_PATHNAME, Scratch.cString(path).address());
        a.set(JAVA_INT, OBJ_FILE_FLAGS, fileFlags);
        return new Fd((int) Errors.check(bpf(BpfCmd.OBJ_GET, a, OBJ_SIZE), "BPF_OBJ_GET", path));
    }

    /**
     * {@code BPF_PROG_GET_NEXT_ID}, {@code BPF_MAP_GET_NEXT_ID}, {@code BPF_BTF_GET_NEXT_ID} or
     * {@code BPF_LINK_GET_NEXT_ID}: the next id after {@code startId}, or -1 after the last.
     */
    public static int getNextId(BpfCmd cmd, int startId) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ID_START_ID, startId);
        long r = bpf(cmd, a, ID_SIZE);
        if (r == -Errno.ENOENT) return -1;
        Errors.check(r, cmd.label(), null);
        return a.get(JAVA_INT, ID_NEXT_ID);
    }

    /** Every id {@code BPF_*_GET_NEXT_ID} walks to, in increasing order. */
    public static java.util.List<Integer> ids(BpfCmd nextIdCmd) {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        for (int id = getNextId(nextIdCmd, 0); id > 0; id = getNextId(nextIdCmd, id)) ids.add(id);
        return ids;
    }

    /** {@code BPF_*_GET_FD_BY_ID}: an fd for the object with that id; -errno on failure. */
    public static long getFdByIdRaw(BpfCmd cmd, int id) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ID_START_ID, id);
        return bpf(cmd, a, ID_SIZE);
    }

    /** {@code BPF_*_GET_FD_BY_ID}, throwing on failure. */
    public static Fd getFdById(BpfCmd cmd, int id) {
        return new Fd((int) Errors.check(getFdByIdRaw(cmd, id), cmd.label(), "id " + id));
    }

    // ---------------------------------------------------------------------------------- attach

    /** {@code BPF_RAW_TRACEPOINT_OPEN}: a raw_tp link (name null for tp_btf and tracing programs). */
    public static Fd rawTracepointOpen(String name, int progFd) {
        MemorySegment a = attr();
        a.set(JAVA_LONG, RAW_TP_NAME, name == null ? 0 : Scratch.cString(name).address());
        a.set(JAVA_INT, RAW_TP_PROG_FD, progFd);
        long r = bpf(BpfCmd.RAW_TRACEPOINT_OPEN, a, RAW_TP_SIZE);
        return new Fd((int) Errors.check(r, "BPF_RAW_TRACEPOINT_OPEN", name));
    }

    /**
     * {@code BPF_LINK_CREATE}; {@code extra} holds the attach-type specific union at offset 16
     * (may be null). Returns the fd or {@code -errno}.
     */
    public static long linkCreateRaw(int progFd, int targetFd, int attachType, int flags, long[] extra) {
        MemorySegment a = attr();
        a.set(JAVA_INT, LINK_CREATE_PROG_FD, progFd);
        a.set(JAVA_INT, LINK_CREATE_TARGET_FD, targetFd);
        a.set(JAVA_INT, LINK_CREATE_ATTACH_TYPE, attachType);
        a.set(JAVA_INT, LINK_CREATE_FLAGS, flags);
        if (extra != null) {
            for (int i = 0; i < extra.length; i++) a.set(JAVA_LONG, LINK_CREATE_UNION + 8L * i, extra[i]);
        }
        return bpf(BpfCmd.LINK_CREATE, a, LINK_CREATE_SIZE);
    }

    /** {@code BPF_LINK_DETACH}. */
    public static void linkDetach(int linkFd) {
        Errors.check(linkDetachRaw(linkFd), "BPF_LINK_DETACH", null);
    }

    /** {@code BPF_LINK_DETACH}; returns 0 or {@code -errno}. */
    public static long linkDetachRaw(int linkFd) {
        MemorySegment a = attr();
        a.set(JAVA_INT, 0, linkFd);
        return bpf(BpfCmd.LINK_DETACH, a, FD_ONLY_SIZE);
    }

    /** {@code BPF_PROG_ATTACH}; returns 0 or {@code -errno}. */
    public static long progAttachRaw(int targetFd, int progFd, int attachType, int flags) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ATTACH_TARGET_FD, targetFd);
        a.set(JAVA_INT, ATTACH_BPF_FD, progFd);
        a.set(JAVA_INT, ATTACH_TYPE, attachType);
        a.set(JAVA_INT, ATTACH_FLAGS, flags);
        return bpf(BpfCmd.PROG_ATTACH, a, ATTACH_SIZE);
    }

    /** {@code BPF_PROG_DETACH}; returns 0 or {@code -errno}. */
    public static long progDetachRaw(int targetFd, int progFd, int attachType) {
        MemorySegment a = attr();
        a.set(JAVA_INT, ATTACH_TARGET_FD, targetFd);
        a.set(JAVA_INT, ATTACH_BPF_FD, progFd);
        a.set(JAVA_INT, ATTACH_TYPE, attachType);
        return bpf(BpfCmd.PROG_DETACH, a, ATTACH_SIZE);
    }
}
