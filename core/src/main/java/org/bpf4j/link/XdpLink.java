package org.bpf4j.link;

import org.bpf4j.AttachType;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * An XDP program attached to a network interface through a BPF link ({@code BPF_LINK_CREATE}
 * with {@code BPF_XDP}, Linux 5.9+): it sees every packet the interface receives, before the
 * kernel allocates a socket buffer, and says what becomes of it ({@code XDP_PASS},
 * {@code XDP_DROP}, {@code XDP_TX}, {@code XDP_REDIRECT}). Closing the link detaches the program;
 * while it is attached no other XDP program can take the interface.
 *
 * <p>Modes: {@link #DRIVER_MODE} runs the program in the driver (native XDP; fails if the driver
 * has none), {@link #GENERIC_MODE} in the kernel's generic receive path (any interface, slower),
 * 0 lets the kernel choose (native when the driver supports it).
 */
public final class XdpLink extends LinkFdOwner {
    /** {@code XDP_FLAGS_SKB_MODE}: generic XDP. */
    public static final int GENERIC_MODE = 2;
    /** {@code XDP_FLAGS_DRV_MODE}: native XDP in the driver. */
    public static final int DRIVER_MODE = 4;
    /** {@code XDP_FLAGS_HW_MODE}: offloaded to the NIC. */
    public static final int HW_MODE = 8;

    private final int ifindex;

    private XdpLink(String target, Fd link, int ifindex) {
        super(target, link);
        this.ifindex = ifindex;
    }

    /** Attaches {@code progFd} (an XDP program) to interface {@code ifindex} with mode {@code flags}. */
    public static XdpLink attach(int progFd, int ifindex, int flags) {
        if ((flags & ~(GENERIC_MODE | DRIVER_MODE | HW_MODE)) != 0 || Integer.bitCount(flags) > 1) {
            throw new IllegalArgumentException("XDP flags must be 0 or one of GENERIC_MODE, DRIVER_MODE, HW_MODE: " + flags);
        }
        String mode = switch (flags) {
            case GENERIC_MODE -> " (generic mode)";
            case DRIVER_MODE -> " (driver mode)";
            case HW_MODE -> " (offload mode)";
            default -> "";
        };
        String name = Os.ifName(ifindex);
        String target = "xdp on " + (name == null ? "" : name + ", ") + "ifindex " + ifindex + mode;
        if (name == null) throw new BpfException(target + ": no such network interface in this network namespace");
        Features.require(Features.Attach.XDP_LINK);
        long r = Bpf.linkCreateRaw(progFd, ifindex, AttachType.XDP.code(), flags, null);
        if (r < 0) throw error((int) -r, target, flags);
        return new XdpLink(target, new Fd((int) r), ifindex);
    }

    private static RuntimeException error(int errno, String target, int flags) {
        return switch (errno) {
            case Errno.ENODEV -> new BpfException(target + ": no such network interface in this network namespace");
            case Errno.EBUSY -> new BpfException(target + ": the interface already has an XDP program in another mode "
                    + "or attached without a link (ip link set dev IF xdp off removes it)");
            case Errno.EEXIST -> new BpfException(target + ": another XDP link already holds the interface");
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> flags == DRIVER_MODE
                    ? FeatureNotSupportedException.withMessage("native XDP", target + ": the interface's driver has "
                    + "no native XDP support; use GENERIC_MODE")
                    : Errors.of("BPF_LINK_CREATE", errno, target);
            default -> Errors.of("BPF_LINK_CREATE", errno, target);
        };
    }

    /** The interface's index. */
    public int ifindex() {
        return ifindex;
    }

    /** The BPF link's fd. */
    public int linkFd() {
        return link.value();
    }
}
