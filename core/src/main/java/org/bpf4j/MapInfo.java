package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Os;

/**
 * What the kernel says about a map ({@code struct bpf_map_info}, with {@code memlock} and
 * {@code frozen} from its fdinfo): the answer of {@link BpfMap#info()}.
 *
 * @param id             the map's id
 * @param type           the map type number ({@link #mapType()} for the enum)
 * @param name           the kernel's name, at most 15 characters
 * @param keySize        the key size in bytes
 * @param valueSize      the value size in bytes (per CPU for per-CPU maps)
 * @param maxEntries     the maximum number of entries
 * @param flags          {@code map_flags}
 * @param memlock        bytes charged to the map, -1 if unknown
 * @param frozen         whether user space can no longer write it ({@code BPF_MAP_FREEZE})
 * @param btfId          the id of the BTF object that describes key and value, 0 if none
 * @param btfKeyTypeId   the key's type in that BTF, 0 if none
 * @param btfValueTypeId the value's type in that BTF, 0 if none
 * @param ifindex        the interface of an offloaded map, 0 if none
 * @param mapExtra       {@code map_extra}: for a bloom filter the number of hash functions (low 4 bits),
 *                       for an arena the start of its user address range; 0 for most types
 */
public record MapInfo(int id, int type, String name, int keySize, int valueSize, int maxEntries, int flags,
                      long memlock, boolean frozen, int btfId, int btfKeyTypeId, int btfValueTypeId, int ifindex,
                      long mapExtra) {

    /**
     * The type, or null for a number bpf4j does not know.
     *
     * @return the map type, or null
     */
    public MapType mapType() {
        return MapType.of(type);
    }

    /**
     * The type as libbpf and bpftool name it ({@code hash}, {@code percpu_array}), or {@code type N}.
     *
     * @return the type's name
     */
    public String typeName() {
        MapType t = mapType();
        return t == null ? "type " + type : t.name().toLowerCase(Locale.ROOT);
    }

    /** Reads the info of the map open as {@code fd}. */
    static MapInfo of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.MAP_INFO_SIZE, 8);
            Bpf.objGetInfo(fd, info);
            Map<String, String> fdinfo = Os.fdinfo(fd);
            return new MapInfo(info.get(JAVA_INT, Bpf.MAP_INFO_ID), info.get(JAVA_INT, Bpf.MAP_INFO_TYPE),
                    info.getString(Bpf.MAP_INFO_NAME), info.get(JAVA_INT, Bpf.MAP_INFO_KEY_SIZE),
                    info.get(JAVA_INT, Bpf.MAP_INFO_VALUE_SIZE), info.get(JAVA_INT, Bpf.MAP_INFO_MAX_ENTRIES),
                    info.get(JAVA_INT, Bpf.MAP_INFO_MAP_FLAGS), ProgramInfo.parseLong(fdinfo.get("memlock")),
                    "1".equals(fdinfo.get("frozen")), info.get(JAVA_INT, Bpf.MAP_INFO_BTF_ID),
                    info.get(JAVA_INT, Bpf.MAP_INFO_BTF_KEY_TYPE_ID), info.get(JAVA_INT, Bpf.MAP_INFO_BTF_VALUE_TYPE_ID),
                    info.get(JAVA_INT, Bpf.MAP_INFO_IFINDEX), info.get(JAVA_LONG, Bpf.MAP_INFO_MAP_EXTRA));
        }
    }
}
