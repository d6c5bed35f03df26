package org.bpf4j.map;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.BpfMap;
import org.bpf4j.MapFlag;
import org.bpf4j.MapType;

/**
 * The stacks of a {@code BPF_MAP_TYPE_STACK_TRACE} map, as {@code bpf_get_stackid} stored them:
 * a stack id maps to up to {@code value_size / 8} instruction pointers, innermost first, the
 * unused tail zeroed. A map created with {@link MapFlag#STACK_BUILD_ID} holds, instead of addresses,
 * {@code struct bpf_stack_build_id} entries (build id and file offset of each frame), read with
 * {@link #buildIdStack(int)}. Stacks from {@code bpf_get_stack} in a record are decoded by
 * {@link #addresses(byte[], int, long)}.
 */
public final class StackTraceMap {
    /** {@code BPF_F_USER_STACK}, {@code BPF_F_FAST_STACK_CMP}, {@code BPF_F_REUSE_STACKID}: bpf_get_stackid flags. */
    public static final long F_USER_STACK = 1L << 8, F_FAST_STACK_CMP = 1L << 9, F_REUSE_STACKID = 1L << 10;
    /** {@code sizeof(struct bpf_stack_build_id)}: s32 status, u8 build_id[20], union { u64 offset; u64 ip; }. */
    public static final int BUILD_ID_FRAME_BYTES = 32;
    /** {@code BPF_STACK_BUILD_ID_EMPTY}, {@code _VALID}, {@code _IP}: a build-id frame's status. */
    public static final int BUILD_ID_EMPTY = 0, BUILD_ID_VALID = 1, BUILD_ID_IP = 2;

    /**
     * One frame of a build-id stack.
     *
     * @param status  {@link #BUILD_ID_VALID} (buildId and offset), {@link #BUILD_ID_IP} (the
     *                kernel could not read the build id: offsetOrIp is the address)
     * @param buildId the 20 bytes of the file's build id (GNU build-id note)
     * @param offsetOrIp the file offset of the frame, or its address for {@link #BUILD_ID_IP}
     */
    public record BuildIdFrame(int status, byte[] buildId, long offsetOrIp) {
        /**
         * The build id in lower-case hex, as {@code /usr/lib/debug/.build-id} names files.
         *
         * @return the build id as 40 hex digits
         */
        public String buildIdHex() {
            return HexFormat.of().formatHex(buildId);
        }

        @Override
        public String toString() {
            return status == BUILD_ID_VALID ? buildIdHex() + "+0x" + Long.toHexString(offsetOrIp)
                    : "0x" + Long.toHexString(offsetOrIp);
        }
    }

    private final BpfMap map;

    /**
     * Reads stacks from {@code map}, which stays owned by the caller.
     *
     * @param map a {@code STACK_TRACE} map with 4-byte keys
     * @throws BpfException naming the map if it is not a STACK_TRACE map
     */
    public StackTraceMap(BpfMap map) {
        if (map.type() != MapType.STACK_TRACE) {
            throw new BpfException("map " + map.name() + " is not a stack trace map (type " + map.type()
                    + "): bpf_get_stackid stores stacks in BPF_MAP_TYPE_STACK_TRACE");
        }
        if (map.keySize() != 4) throw new BpfException("stack trace map " + map.name() + ": key size " + map.keySize() + ", expected 4");
        this.map = map;
    }

    /** {@return the underlying map, owned by the caller that opened it} */
    public BpfMap map() {
        return map;
    }

    /**
     * Whether the map stores build-id frames ({@link MapFlag#STACK_BUILD_ID}).
     *
     * @return true for build-id frames
     */
    public boolean buildIds() {
        return map.flags().contains(MapFlag.STACK_BUILD_ID);
    }

    /**
     * The most frames a stack holds ({@code value_size / 8}, or / 32 for build ids).
     *
     * @return the maximum stack depth in frames
     */
    public int maxDepth() {
        return map.valueSize() / (buildIds() ? BUILD_ID_FRAME_BYTES : 8);
    }

    /**
     * The addresses of stack {@code id}, innermost first; null when the id is negative (the error
     * bpf_get_stackid returned: -EFAULT for no stack, -EEXIST for a hash collision) or absent.
     *
     * @param id the stack id {@code bpf_get_stackid} returned
     * @return the addresses, or null
     * @throws BpfException if the map stores build ids
     */
    public long[] stack(int id) {
        if (buildIds()) throw new BpfException("stack trace map " + map.name() + " stores build ids: use buildIdStack");
        byte[] v = lookup(id);
        return v == null ? null : addresses(v, 0, v.length);
    }

    /**
     * The build-id frames of stack {@code id}, innermost first; null when absent or negative.
     *
     * @param id the stack id {@code bpf_get_stackid} returned
     * @return the frames, or null
     * @throws BpfException if the map does not store build ids
     */
    public List<BuildIdFrame> buildIdStack(int id) {
        if (!buildIds()) throw new BpfException("stack trace map " + map.name() + " stores addresses, not build ids: use stack");
        byte[] v = lookup(id);
        if (v == null) return null;
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder());
        List<BuildIdFrame> frames = new ArrayList<>();
        for (int o = 0; o + BUILD_ID_FRAME_BYTES <= v.length; o += BUILD_ID_FRAME_BYTES) {
            int status = b.getInt(o);
            if (status == BUILD_ID_EMPTY) break;
            frames.add(new BuildIdFrame(status, Arrays.copyOfRange(v, o + 4, o + 24), b.getLong(o + 24)));
        }
        return frames;
    }

    /**
     * Removes stack {@code id} (the map is full otherwise, and new stacks get -EEXIST or -ENOMEM).
     *
     * @param id the stack id
     * @return true if the stack was there
     */
    public boolean delete(int id) {
        return id >= 0 && map.delete(key(id));
    }

    private byte[] lookup(int id) {
        return id < 0 ? null : map.lookup(key(id));
    }

    private static byte[] key(int id) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(id).array();
    }

    /**
     * The addresses of a stack as {@code bpf_get_stack} writes it into a buffer: {@code bytes}
     * (its return value; the rest of the buffer is left as it was) of native-order u64s from
     * {@code offset}, innermost first, up to the first zero.
     *
     * @param buf the buffer {@code bpf_get_stack} filled
     * @param offset the byte offset of the stack in {@code buf}
     * @param bytes the number of bytes {@code bpf_get_stack} wrote; 0 or negative gives an empty array
     * @return the addresses
     */
    public static long[] addresses(byte[] buf, int offset, long bytes) {
        if (bytes < 0) return new long[0];
        int n = (int) Math.min(bytes, buf.length - offset) / 8;
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        long[] ips = new long[n];
        int k = 0;
        for (; k < n; k++) {
            long ip = b.getLong(offset + 8 * k);
            if (ip == 0) break;
            ips[k] = ip;
        }
        return k == n ? ips : Arrays.copyOf(ips, k);
    }
}
