package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Os;

/**
 * What the kernel says about a loaded program ({@code struct bpf_prog_info}): the answer of
 * {@link BpfProgram#info()}. Unsigned kernel counters are held in {@code long}s; sizes and ids are
 * small enough for {@code int}.
 *
 * @param id             the program's id
 * @param type           the program type number ({@link #programType()} for the enum)
 * @param name           the kernel's name, at most 15 characters
 * @param tag            the program's tag (a hash of its instructions), 16 hex digits
 * @param gplCompatible  whether its license is GPL-compatible (it may call GPL-only helpers)
 * @param loadTimeNs     when it was loaded, in ns since boot ({@code CLOCK_BOOTTIME})
 * @param uid            the user that loaded it
 * @param xlatedSize     bytes of the verified (translated) instructions
 * @param jitedSize      bytes of JIT-compiled code, 0 if not JIT-compiled
 * @param memlock        bytes charged to the program ({@code memlock} of its fdinfo), -1 if unknown
 * @param mapIds         the ids of the maps the program uses
 * @param btfId          the id of its BTF object, 0 if none
 * @param runTimeNs      total run time while statistics are on ({@link BpfProgram#enableStats()})
 * @param runCount       number of runs while statistics are on
 * @param recursionMisses runs skipped because the program was already running on the CPU
 * @param verifiedInsns  instructions the verifier processed
 * @param funcInfoCount  BTF func_info records (one per function of the program)
 * @param lineInfoCount  BTF line_info records
 */
public record ProgramInfo(int id, int type, String name, String tag, boolean gplCompatible, long loadTimeNs,
                          int uid, int xlatedSize, int jitedSize, long memlock, List<Integer> mapIds, int btfId,
                          long runTimeNs, long runCount, long recursionMisses, int verifiedInsns, int funcInfoCount,
                          int lineInfoCount) {

    /** Copies {@code mapIds}, which must not be null. */
    public ProgramInfo {
        mapIds = List.copyOf(mapIds);
    }

    /**
     * The type, or null for a number bpf4j does not know.
     *
     * @return the program type, or null
     */
    public ProgramType programType() {
        return ProgramType.of(type);
    }

    /**
     * The type as libbpf and bpftool name it ({@code tracepoint}, {@code sched_cls}), or {@code type N}.
     *
     * @return the type's name
     */
    public String typeName() {
        ProgramType t = programType();
        return t == null ? "type " + type : t.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The run-time statistics part of the info.
     *
     * @return the run time and run count
     */
    public ProgramStats stats() {
        return new ProgramStats(runTimeNs, runCount, recursionMisses);
    }

    /** Reads the info of the program open as {@code fd}. */
    static ProgramInfo of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.PROG_INFO_SIZE, 8);
            Bpf.objGetInfo(fd, info);
            int nrMaps = info.get(JAVA_INT, Bpf.PROG_INFO_NR_MAP_IDS);
            List<Integer> mapIds = new ArrayList<>();
            if (nrMaps > 0) {
                // a second call with a buffer for the map ids
                MemorySegment ids = arena.allocate(4L * nrMaps, 4);
                info.fill((byte) 0);
                info.set(JAVA_INT, Bpf.PROG_INFO_NR_MAP_IDS, nrMaps);
                info.set(JAVA_LONG, Bpf.PROG_INFO_MAP_IDS, ids.address());
                Bpf.objGetInfo(fd, info);
                int n = Math.min(nrMaps, info.get(JAVA_INT, Bpf.PROG_INFO_NR_MAP_IDS));
                for (int i = 0; i < n; i++) mapIds.add(ids.getAtIndex(JAVA_INT, i));
            }
            byte[] tag = info.asSlice(Bpf.PROG_INFO_TAG, 8).toArray(JAVA_BYTE);
            Map<String, String> fdinfo = Os.fdinfo(fd);
            return new ProgramInfo(info.get(JAVA_INT, Bpf.PROG_INFO_ID), info.get(JAVA_INT, Bpf.PROG_INFO_TYPE),
                    info.getString(Bpf.PROG_INFO_NAME), HexFormat.of().formatHex(tag),
                    (info.get(JAVA_INT, Bpf.PROG_INFO_GPL_COMPATIBLE) & 1) != 0,
                    info.get(JAVA_LONG, Bpf.PROG_INFO_LOAD_TIME), info.get(JAVA_INT, Bpf.PROG_INFO_CREATED_BY_UID),
                    info.get(JAVA_INT, Bpf.PROG_INFO_XLATED_PROG_LEN), info.get(JAVA_INT, Bpf.PROG_INFO_JITED_PROG_LEN),
                    parseLong(fdinfo.get("memlock")), mapIds, info.get(JAVA_INT, Bpf.PROG_INFO_BTF_ID),
                    info.get(JAVA_LONG, Bpf.PROG_INFO_RUN_TIME_NS), info.get(JAVA_LONG, Bpf.PROG_INFO_RUN_CNT),
                    info.get(JAVA_LONG, Bpf.PROG_INFO_RECURSION_MISSES),
                    info.get(JAVA_INT, Bpf.PROG_INFO_VERIFIED_INSNS), info.get(JAVA_INT, Bpf.PROG_INFO_NR_FUNC_INFO),
                    info.get(JAVA_INT, Bpf.PROG_INFO_NR_LINE_INFO));
        }
    }

    /** The BTF type id of the program's main function (its first func_info record); 0 if none. */
    static int mainFuncTypeId(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.PROG_INFO_SIZE, 8);
            MemorySegment rec = arena.allocate(8, 8); // struct bpf_func_info: insn_off, type_id
            info.set(JAVA_INT, Bpf.PROG_INFO_NR_FUNC_INFO, 1);
            info.set(JAVA_INT, Bpf.PROG_INFO_FUNC_INFO_REC_SIZE, 8);
            info.set(JAVA_LONG, Bpf.PROG_INFO_FUNC_INFO, rec.address());
            if (Bpf.objGetInfoRaw(fd, info) != 0 || info.get(JAVA_INT, Bpf.PROG_INFO_NR_FUNC_INFO) == 0) return 0;
            return rec.get(JAVA_INT, 4);
        }
    }

    static long parseLong(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
