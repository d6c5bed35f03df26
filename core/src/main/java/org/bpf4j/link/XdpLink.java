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
 * <p>Modes ({@link XdpMode}): {@link XdpMode#DRIVER} runs the program in the driver (native XDP;
 * fails if the driver has none), {@link XdpMode#GENERIC} in the kernel's generic receive path (any
 * interface, slower), {@link XdpMode#AUTO} lets the kernel choose (native when the driver supports it).
 */
public final class XdpLink extends LinkFdOwner {
    private final int ifindex;

    private XdpLink(String target, Fd link, int ifindex) {
        super(target, link);
        this.ifindex = ifindex;
    }

    /**
     * Attaches {@code progFd} (an XDP program) to interface {@code ifindex} in {@code xdpMode}.
     *
     * @param progFd the loaded XDP program; it stays owned by the caller
     * @param ifindex the interface index
     * @param xdpMode the XDP mode
     * @return the link; the caller closes it
     */
    public static XdpLink attach(int progFd, int ifindex, XdpMode xdpMode) {
        String mode = xdpMode.label();
        int flags = xdpMode.flags();
        String name = Os.ifName(ifindex);
        String target = "xdp on " + (name == null ? "" : name + ", ") + "ifindex " + ifindex + mode;
        if (name == null) throw new BpfException(target + ": no such network interface in this network namespace");
        Features.require(Features.Attach.XDP_LINK);
        long r = Bpf.linkCreateRaw(progFd, ifindex, AttachType.XDP.code(), flags, null);
        if (r < 0) throw error((int) -r, target, xdpMode);
        return new XdpLink(target, new Fd((int) r), ifindex);
    }

    private static RuntimeException error(int errno, String target, XdpMode mode) {
        return switch (errno) {
            case Errno.ENODEV -> new BpfException(target + ": no such network interface in this network namespace");
            case Errno.EBUSY -> new BpfException(target + ": the interface already has an XDP program in another mode "
                    + "or attached without a link (ip link set dev IF xdp off removes it)");
            case Errno.EEXIST -> new BpfException(target + ": another XDP link already holds the interface");
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> mode == XdpMode.DRIVER
                    ? FeatureNotSupportedException.withMessage("native XDP", target + ": the interface's driver has "
                    + "no native XDP support; use XdpMode.GENERIC")
                    : Errors.ofNetAttach("BPF_LINK_CREATE", errno, target);
            default -> Errors.ofNetAttach("BPF_LINK_CREATE", errno, target);
        };
    }

    /**
     * The interface's index.
     *
     * @return the interface index
     */
    public int ifindex() {
        return ifindex;
    }

    /** The BPF link's fd. */
    public int linkFd() {
        return link.value();
    }
}
