package org.bpf4j.link;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpf4j.BpfLink;
import org.bpf4j.AttachType;
import org.bpf4j.sys.Bpf;

/**
 * What the kernel says about a BPF link ({@code struct bpf_link_info}): the answer of
 * {@link BpfLink#info()}. The fields after {@code progId} are those of the link's type; the
 * others are 0 or null.
 *
 * @param id          the link's id
 * @param type        the link type number ({@code enum bpf_link_type}); {@link #typeName()}
 * @param progId      the id of the attached program
 * @param tpName      raw tracepoint links: the tracepoint; iterator links: the target
 * @param attachType  tracing, cgroup, netns and tcx links: the attach type number, else -1
 * @param targetId    tracing links: the target's BTF object id; cgroup links: the cgroup id;
 *                    netns links: the namespace inode; XDP and tcx links: the interface index
 */
public record LinkInfo(int id, int type, int progId, String tpName, int attachType, long targetId) {
    /** {@code enum bpf_link_type} values. */
    public static final int RAW_TRACEPOINT = 1, TRACING = 2, CGROUP = 3, ITER = 4, NETNS = 5, XDP = 6,
            PERF_EVENT = 7, KPROBE_MULTI = 8, STRUCT_OPS = 9, NETFILTER = 10, TCX = 11, UPROBE_MULTI = 12,
            NETKIT = 13, SOCKMAP = 14;

    private static final String[] TYPE_NAMES = {"unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns",
        "xdp", "perf_event", "kprobe_multi", "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap"};

    /**
     * The type as libbpf names it ({@code raw_tracepoint}, {@code perf_event}), or {@code type N}.
     *
     * @return the type's name
     */
    public String typeName() {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type " + type;
    }

    /**
     * The attach type as libbpf names it ({@code trace_fentry}, {@code cgroup_inet_ingress}), or null.
     *
     * @return the attach type's name, or null
     */
    public String attachTypeName() {
        if (attachType < 0) return null;
        AttachType[] all = AttachType.values();
        return attachType < all.length ? all[attachType].name().toLowerCase(java.util.Locale.ROOT) : String.valueOf(attachType);
    }

    /**
     * Reads the info of the link open as {@code fd}.
     *
     * @param fd the link's file descriptor; it stays owned by the caller
     * @return the info
     */
    public static LinkInfo of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.LINK_INFO_SIZE, 8);
            Bpf.objGetInfo(fd, info);
            int type = info.get(JAVA_INT, Bpf.LINK_INFO_TYPE);
            String name = null;
            if (type == RAW_TRACEPOINT || type == ITER) {
                // the kernel copies the name only into a buffer it is given: ask again with one
                MemorySegment buf = arena.allocate(256);
                info.fill((byte) 0);
                long ptr = type == ITER ? Bpf.LINK_INFO_ITER_TARGET_NAME : Bpf.LINK_INFO_RAW_TP_NAME;
                long len = type == ITER ? Bpf.LINK_INFO_ITER_TARGET_NAME_LEN : Bpf.LINK_INFO_RAW_TP_NAME_LEN;
                info.set(JAVA_LONG, ptr, buf.address());
                info.set(JAVA_INT, len, (int) buf.byteSize());
                Bpf.objGetInfo(fd, info);
                name = buf.getString(0);
            }
            int attachType = -1;
            long target = 0;
            switch (type) {
                case TRACING -> {
                    attachType = info.get(JAVA_INT, Bpf.LINK_INFO_TRACING_ATTACH_TYPE);
                    target = Integer.toUnsignedLong(info.get(JAVA_INT, Bpf.LINK_INFO_TRACING_TARGET_OBJ_ID));
                }
                case CGROUP -> {
                    attachType = info.get(JAVA_INT, Bpf.LINK_INFO_CGROUP_ATTACH_TYPE);
                    target = info.get(JAVA_LONG, Bpf.LINK_INFO_CGROUP_ID);
                }
                case NETNS -> {
                    attachType = info.get(JAVA_INT, Bpf.LINK_INFO_NETNS_ATTACH_TYPE);
                    target = Integer.toUnsignedLong(info.get(JAVA_INT, Bpf.LINK_INFO_NETNS_INO));
                }
                case XDP -> target = info.get(JAVA_INT, Bpf.LINK_INFO_XDP_IFINDEX);
                case TCX -> {
                    attachType = info.get(JAVA_INT, Bpf.LINK_INFO_TCX_ATTACH_TYPE);
                    target = info.get(JAVA_INT, Bpf.LINK_INFO_TCX_IFINDEX);
                }
                default -> { }
            }
            return new LinkInfo(info.get(JAVA_INT, Bpf.LINK_INFO_ID), type, info.get(JAVA_INT, Bpf.LINK_INFO_PROG_ID),
                    name, attachType, target);
        }
    }
}
