package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;

/**
 * The maps of one load ({@link Loader}): each created (or reused from its pin), filled, frozen and
 * pinned as its spec says, then the slots of program arrays and map-in-maps. What it creates goes
 * into the load's {@code created} list, which closes it if the load fails.
 */
final class MapCreator {
    private final ObjectSpec spec;
    private final LoadOptions opt;
    private final Externs.Resolved externs;
    private final List<AutoCloseable> created;
    private final List<Path> pinned;
    private final List<String> warnings;

    MapCreator(ObjectSpec spec, LoadOptions opt, Externs.Resolved externs, List<AutoCloseable> created,
               List<Path> pinned, List<String> warnings) {
        this.spec = spec;
        this.opt = opt;
        this.externs = externs;
        this.created = created;
        this.pinned = pinned;
        this.warnings = warnings;
    }

    private <T extends AutoCloseable> T own(T c) {
        created.add(c);
        return c;
    }


    Map<String, BpfMap> createMaps(Fd btfFd) {
        Map<String, BpfMap> maps = new LinkedHashMap<>();
        for (MapSpec ms : spec.maps().values()) {
            BpfMap m = createMap(ms, btfFd);
            maps.put(ms.name(), m);
        }
        return maps;
    }

    private String kernelMapName(MapSpec ms) {
        if (ms.kind() == MapSpec.Kind.USER) return ms.name();
        // libbpf's internal map names: object name prefix + section name, 15 characters at most
        String real = ms.name();
        int sfx = Math.min(Math.max(7, real.length()), 15);
        int pfx = real.indexOf('.', 1) >= 0 ? 0 : Math.min(15 - sfx, spec.name().length());
        String n = spec.name().substring(0, pfx) + real.substring(0, Math.min(sfx, real.length()));
        StringBuilder sb = new StringBuilder();
        for (char c : n.toCharArray()) sb.append(Character.isLetterOrDigit(c) || c == '_' || c == '.' ? c : '_');
        return sb.toString();
    }

    /** The file name a map is pinned under: its name; for global data, libbpf's (obj_rodata). */
    private String pinName(MapSpec ms) {
        return ms.kind() == MapSpec.Kind.USER ? ms.name() : kernelMapName(ms).replace('.', '_');
    }

    private static boolean btfAllowed(int type) {
        MapType t = MapType.of(type);
        if (t == null) return true;
        return switch (t) {
            case PERF_EVENT_ARRAY, CGROUP_ARRAY, STACK_TRACE, ARRAY_OF_MAPS, HASH_OF_MAPS, DEVMAP, DEVMAP_HASH,
                 CPUMAP, XSKMAP, SOCKMAP, SOCKHASH, QUEUE, STACK, ARENA, RINGBUF, USER_RINGBUF -> false;
            default -> true;
        };
    }

    private BpfMap createMap(MapSpec ms, Fd btfFd) {
        String what = "map '" + ms.name() + "'";
        int maxEntries = ms.maxEntries();
        MapType mt = ms.type();
        if (mt == MapType.PERF_EVENT_ARRAY && maxEntries == 0) maxEntries = Cpus.possible();
        if (mt == MapType.RINGBUF || mt == MapType.USER_RINGBUF) maxEntries = ringbufSize(maxEntries);
        Path pinPath = ms.pinnedByName() ? opt.pinRoot().resolve(pinName(ms)) : null;
        if (pinPath != null && Files.exists(pinPath)) {
            Fd fd = own(Bpf.objGet(pinPath.toString(), 0));
            checkPinned(ms, fd, maxEntries, pinPath);
            return own(new BpfMap(ms.name(), fd, ms.typeCode(), ms.keySize(), ms.valueSize(), maxEntries, ms.flagBits(), ms));
        }
        Fd inner = null;
        if (ms.innerMap() != null) {
            MapSpec is = ms.innerMap();
            inner = own(Bpf.mapCreate(new Bpf.MapCreate(is.typeCode(), is.keySize(), is.valueSize(), is.maxEntries(),
                    is.flagBits(), kernelMapName(is))));
        }
        boolean withBtf = btfFd != null && btfAllowed(ms.typeCode()) && ms.btfValueTypeId() > 0;
        Bpf.MapCreate attr = new Bpf.MapCreate(ms.typeCode(), ms.keySize(), ms.valueSize(), maxEntries, ms.flagBits(),
                kernelMapName(ms), inner == null ? 0 : inner.value(), withBtf ? btfFd.value() : 0,
                withBtf ? ms.btfKeyTypeId() : 0, withBtf ? ms.btfValueTypeId() : 0, 0, ms.mapExtra(), 0,
                ms.numaNode());
        long r = Bpf.mapCreateRaw(attr);
        if (r < 0 && withBtf && r != -Errno.EPERM) {
            // as libbpf: retry without BTF type information
            Bpf.MapCreate plain = new Bpf.MapCreate(ms.typeCode(), ms.keySize(), ms.valueSize(), maxEntries,
                    ms.flagBits(), kernelMapName(ms), attr.innerMapFd(), 0, 0, 0, 0, ms.mapExtra(), 0, ms.numaNode());
            long r2 = Bpf.mapCreateRaw(plain);
            if (r2 >= 0) warnings.add(what + " created without BTF type information ("
                    + Errno.name((int) -r) + " with it)");
            r = r2;
        }
        if (inner != null) inner.close();
        if (r < 0) throw mapError(ms, (int) -r);
        Fd fd = own(new Fd((int) r));
        BpfMap map = own(new BpfMap(ms.name(), fd, ms.typeCode(), ms.keySize(), ms.valueSize(), maxEntries, ms.flagBits(), ms));
        byte[] contents = ms.kind() == MapSpec.Kind.KCONFIG ? externs.kconfig() : ms.contentsArray();
        if (contents != null && ms.kind() != MapSpec.Kind.BSS || contents != null && !allZero(contents)) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment k = arena.allocate(4, 4);
                MemorySegment v = arena.allocate(Math.max(contents.length, 1), 8);
                MemorySegment.copy(contents, 0, v, JAVA_BYTE, 0, contents.length);
                map.update(k, v, Bpf.ANY);
            }
        }
        if (ms.frozen()) map.freeze();
        if (pinPath != null) {
            Bpf.objPin(fd.value(), pinPath.toString());
            pinned.add(pinPath);
        }
        return map;
    }

    /**
     * The {@code .values} initializers of maps-in-maps (inner map fds) and program arrays
     * (program fds), as libbpf's init_map_in_map_slots and init_prog_array_slots. A slot
     * naming a program this load leaves out stays empty, with a warning.
     */
    void fillSlots(Map<String, BpfMap> maps, Map<String, BpfProgram> programs) {
        for (BpfMap m : maps.values()) {
            List<String> slots = m.spec().initialValues();
            boolean progArray = m.spec().type() == MapType.PROG_ARRAY;
            for (int i = 0; i < slots.size(); i++) {
                String name = slots.get(i);
                if (name == null) continue;
                int fd;
                if (progArray) {
                    BpfProgram p = programs.get(name);
                    if (p == null) {
                        warnings.add("program array '" + m.name() + "' slot " + i + " stays empty: program '" + name
                                + "' is not loaded");
                        continue;
                    }
                    fd = p.fd();
                } else {
                    fd = maps.get(name).fd();
                }
                try {
                    m.update(intBytes(i), intBytes(fd), Bpf.ANY);
                } catch (SyscallException e) {
                    throw new BpfException("map '" + m.name() + "': cannot put " + (progArray ? "program '" : "map '")
                            + name + "' in slot " + i + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static int ringbufSize(int n) {
        int page = 4096;
        if (n <= page) return page;
        int p = Integer.highestOneBit(n);
        return p == n ? n : p << 1;
    }

    /** As libbpf's reuse check: type, key and value sizes, max_entries and flags must all agree. */
    private void checkPinned(MapSpec ms, Fd fd, int maxEntries, Path path) {
        MapInfo pinned = MapInfo.of(fd.value());
        if (pinned.type() != ms.typeCode() || pinned.keySize() != ms.keySize() || pinned.valueSize() != ms.valueSize()
                || pinned.maxEntries() != maxEntries || pinned.flags() != ms.flagBits()) {
            throw new BpfException("map '" + ms.name() + "': the map pinned at " + path
                    + " is incompatible with its definition; pinned: "
                    + definition(pinned.type(), pinned.keySize(), pinned.valueSize(), pinned.maxEntries(), pinned.flags())
                    + " (id " + pinned.id() + "), declared: "
                    + definition(ms.typeCode(), ms.keySize(), ms.valueSize(), maxEntries, ms.flagBits())
                    + "; remove the pin or change the definition");
        }
    }

    private static String definition(int type, int key, int value, int maxEntries, int flags) {
        return MapType.describe(type).toLowerCase(java.util.Locale.ROOT) + " key " + key + " value " + value
                + " max_entries " + maxEntries + " flags 0x" + Integer.toHexString(flags);
    }

    private RuntimeException mapError(MapSpec ms, int errno) {
        String what = "map '" + ms.name() + "'";
        if (errno == Errno.EINVAL && !Features.mapType(ms.typeCode())) {
            MapType t = ms.type();
            return new FeatureNotSupportedException("map type " + MapType.describe(ms.typeCode()),
                    what + " needs it" + (t != null && t.since() != null ? " (Linux " + t.since() + "+)"
                            : " (a type number this kernel and bpf4j do not know)"));
        }
        return Errors.of("BPF_MAP_CREATE", errno, what + " (" + MapType.describe(ms.typeCode()) + ", key "
                + ms.keySize() + ", value " + ms.valueSize() + ", max_entries " + ms.maxEntries() + ")");
    }
}
