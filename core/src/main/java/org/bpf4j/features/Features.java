package org.bpf4j.features;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * What the running kernel supports, probed lazily (the first time a question is asked) and
 * cached for the life of the process. A probe creates a minimal map or program and closes it.
 */
public final class Features {
    private Features() {}

    private static final ConcurrentHashMap<Integer, Boolean> MAP_TYPES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, Boolean> PROG_TYPES = new ConcurrentHashMap<>();

    /** Whether the kernel can create maps of type {@code type} (by number). */
    public static boolean mapType(int type) {
        return MAP_TYPES.computeIfAbsent(type, Features::probeMapType);
    }

    public static boolean mapType(MapType type) {
        return mapType(type.code());
    }

    /** Whether the kernel can load programs of {@code type}. */
    public static boolean programType(ProgramType type) {
        return PROG_TYPES.computeIfAbsent(type.code(), t -> probeProgType(type));
    }

    private static boolean probeMapType(int type) {
        MapType t = MapType.of(type);
        int key = 4, value = 4, max = 1, flags = 0;
        if (t != null) {
            switch (t) {
                case RINGBUF, USER_RINGBUF -> { key = 0; value = 0; max = 4096; }
                case QUEUE, STACK -> key = 0;
                case LPM_TRIE -> { key = 8; value = 8; flags = 1; }
                case SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE -> flags = 1;
                case BLOOM_FILTER -> key = 0;
                case ARENA -> { key = 0; value = 0; flags = 1 << 10; }
                case CGROUP_STORAGE, PERCPU_CGROUP_STORAGE -> { key = 16; max = 0; }
                case STRUCT_OPS -> { return true; } // needs BTF: assume present on any kernel with BTF
                case ARRAY_OF_MAPS, HASH_OF_MAPS -> { return true; } // needs an inner map: 4.12+
                default -> { }
            }
        }
        long r = Bpf.mapCreateRaw(new Bpf.MapCreate(type, key, value, max, flags, "probe"));
        if (r >= 0) {
            Native.call(SysNr.CLOSE, r);
            return true;
        }
        // EINVAL means an unknown type; anything else (EPERM, ENOMEM, a flag it disliked) means the type exists
        return r != -Errno.EINVAL;
    }

    private static boolean probeProgType(ProgramType type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 0x00000000000000b7L); // r0 = 0
            insns.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 0x0000000000000095L); // exit
            MemorySegment license = arena.allocateFrom("GPL");
            Bpf.ProgLoad p = new Bpf.ProgLoad(type.code(), insns, 2, "GPL", null, 0, 0, 0, 0, null, 0, 0, null, 0,
                    0, 0, 0, 0, 0, null);
            long r = Bpf.progLoadRaw(p, license, null, 0, null);
            if (r >= 0) {
                Native.call(SysNr.CLOSE, r);
                return true;
            }
            return r != -Errno.EINVAL;
        }
    }
}
