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

    private static final ConcurrentHashMap<org.bpf4j.btf.BtfSanitizer.Missing, Boolean> BTF = new ConcurrentHashMap<>();

    /**
     * Whether the kernel's BTF loader accepts what {@code feature} names (the BTF kinds and
     * flags libbpf probes before loading an object's BTF: FUNC, global FUNC, DATASEC, FLOAT,
     * DECL_TAG, TYPE_TAG, ENUM64, '?' DATASEC names).
     */
    public static boolean btf(org.bpf4j.btf.BtfSanitizer.Missing feature) {
        return BTF.computeIfAbsent(feature, Features::probeBtf);
    }

    private static boolean probeBtf(org.bpf4j.btf.BtfSanitizer.Missing f) {
        // minimal BTF blobs: [1] int (4 bytes) and one use of the feature; strings "\0int\0x\0.data\0"
        final int INT = 1 << 24, PTR = 2 << 24, FUNC = 12 << 24, PROTO = 13 << 24, VAR = 14 << 24,
                DATASEC = 15 << 24, FLOAT = 16 << 24, DECL_TAG = 17 << 24, TYPE_TAG = 18 << 24, ENUM64 = 19 << 24;
        String strings = "\0int\0x\0.data\0?.data\0";
        int sInt = 1, sX = 5, sData = 7, sQData = 13;
        int[] types = switch (f) {
            case FUNC -> new int[] {sInt, INT, 4, 0x20, 0, PROTO, 0, sX, FUNC, 2};
            case FUNC_GLOBAL -> new int[] {sInt, INT, 4, 0x20, 0, PROTO, 0, sX, FUNC | 1, 2};
            case DATASEC -> new int[] {sInt, INT, 4, 0x20, sX, VAR, 1, 1, sData, DATASEC | 1, 4, 2, 0, 4};
            case QMARK_DATASEC -> new int[] {sInt, INT, 4, 0x20, sX, VAR, 1, 1, sQData, DATASEC | 1, 4, 2, 0, 4};
            case FLOAT -> new int[] {sX, FLOAT, 4};
            case DECL_TAG -> new int[] {sInt, INT, 4, 0x20, sX, VAR, 1, 1, sX, DECL_TAG, 2, -1};
            case TYPE_TAG -> new int[] {sInt, INT, 4, 0x20, sX, TYPE_TAG, 1, 0, PTR, 2};
            case ENUM64 -> new int[] {sX, ENUM64 | 1, 8, sX, 1, 2};
        };
        byte[] str = strings.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int typeLen = types.length * 4;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment blob = arena.allocate(24 + typeLen + str.length, 8);
            java.lang.foreign.ValueLayout.OfInt i32 = java.lang.foreign.ValueLayout.JAVA_INT;
            blob.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 0xeb9f);
            blob.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2, (byte) 1);
            blob.set(i32, 4, 24);
            blob.set(i32, 8, 0);
            blob.set(i32, 12, typeLen);
            blob.set(i32, 16, typeLen);
            blob.set(i32, 20, str.length);
            for (int k = 0; k < types.length; k++) blob.set(i32, 24 + 4L * k, types[k]);
            MemorySegment.copy(str, 0, blob, java.lang.foreign.ValueLayout.JAVA_BYTE, 24L + typeLen, str.length);
            long r = Bpf.btfLoadRaw(blob, null, 0);
            if (r >= 0) {
                Native.call(SysNr.CLOSE, r);
                return true;
            }
            return false;
        }
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
