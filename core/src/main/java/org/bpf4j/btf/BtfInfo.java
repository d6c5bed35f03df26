package org.bpf4j.btf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;
import org.bpf4j.sys.Fd;

/**
 * A BTF object loaded in the kernel ({@code struct bpf_btf_info}): the kernel's own (vmlinux and
 * modules) and those objects loaded with their programs and maps.
 *
 * @param id     the kernel's id of the BTF object
 * @param name   vmlinux or the module's name for kernel BTF; usually empty for loaded BTF
 * @param size   bytes of raw BTF
 * @param kernel whether it is the kernel's or a module's BTF
 */
public record BtfInfo(int id, String name, int size, boolean kernel) {

    /** {@return the ids of every BTF object in the kernel, in increasing order} */
    public static List<Integer> ids() {
        return Bpf.ids(BpfCmd.BTF_GET_NEXT_ID);
    }

    /**
     * The info of BTF object {@code id}.
     *
     * @param id the kernel's id of the BTF object (see {@link #ids()})
     * @return what the kernel says about it
     * @throws org.bpf4j.SyscallException if there is no such object or it cannot be opened
     */
    public static BtfInfo of(int id) {
        try (Fd fd = Bpf.getFdById(BpfCmd.BTF_GET_FD_BY_ID, id)) {
            return read(fd.value(), null);
        }
    }

    /**
     * The types of BTF object {@code id}, parsed: module BTF as split BTF over the kernel's
     * ({@link Btf#kernel()}), the others standalone. The origin for messages is {@code btf id N}.
     *
     * @param id the kernel's id of the BTF object (see {@link #ids()})
     * @return its types
     * @throws org.bpf4j.SyscallException if there is no such object or it cannot be opened
     */
    public static Btf load(int id) {
        try (Fd fd = Bpf.getFdById(BpfCmd.BTF_GET_FD_BY_ID, id)) {
            byte[][] raw = new byte[1][];
            BtfInfo info = read(fd.value(), raw);
            String origin = "btf id " + id;
            if (info.kernel() && !info.name().equals("vmlinux")) return Btf.parseSplit(raw[0], Btf.kernel(), origin);
            return Btf.parse(raw[0], origin);
        }
    }

    private static BtfInfo read(int fd, byte[][] rawOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.BTF_INFO_SIZE, 8);
            MemorySegment name = arena.allocate(64);
            info.set(JAVA_LONG, Bpf.BTF_INFO_NAME, name.address());
            info.set(JAVA_INT, Bpf.BTF_INFO_NAME_LEN, (int) name.byteSize());
            Bpf.objGetInfo(fd, info);
            int size = info.get(JAVA_INT, Bpf.BTF_INFO_BTF_SIZE);
            if (rawOut != null) {
                MemorySegment data = arena.allocate(Math.max(size, 1), 8);
                info.fill((byte) 0);
                info.set(JAVA_LONG, Bpf.BTF_INFO_BTF, data.address());
                info.set(JAVA_INT, Bpf.BTF_INFO_BTF_SIZE, size);
                info.set(JAVA_LONG, Bpf.BTF_INFO_NAME, name.address());
                info.set(JAVA_INT, Bpf.BTF_INFO_NAME_LEN, (int) name.byteSize());
                Bpf.objGetInfo(fd, info);
                rawOut[0] = data.asSlice(0, size).toArray(JAVA_BYTE);
            }
            return new BtfInfo(info.get(JAVA_INT, Bpf.BTF_INFO_ID), name.getString(0), size,
                    info.get(JAVA_INT, Bpf.BTF_INFO_KERNEL_BTF) != 0);
        }
    }
}
