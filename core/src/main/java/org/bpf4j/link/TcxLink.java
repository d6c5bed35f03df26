package org.bpf4j.link;

import org.bpf4j.AttachType;
import org.bpf4j.BpfException;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * A tc program ({@code SEC("tc")}, {@code SEC("tcx/ingress")}, a {@code sched_cls} program)
 * attached to a network interface's ingress or egress through a tcx link (Linux 6.6+):
 * {@code BPF_LINK_CREATE} with {@code BPF_TCX_INGRESS} or {@code BPF_TCX_EGRESS}. No qdisc, no
 * netlink: the program runs on every packet in that direction and returns {@code TC_ACT_OK} (0),
 * {@code TC_ACT_SHOT} (2, drop), {@code TC_ACT_REDIRECT} (7) or {@code TC_NEXT} (-1: the next
 * program). Several links may share a hook; a new one runs after those already there.
 */
public final class TcxLink extends LinkFdOwner {

    private TcxLink(String target, Fd link) {
        super(target, link);
    }

    /**
     * Attaches {@code progFd} to interface {@code ifindex} at {@code direction}: {@link AttachType#TCX_INGRESS}
     * or {@link AttachType#TCX_EGRESS}.
     *
     * @param progFd the loaded {@code sched_cls} program; it stays owned by the caller
     * @param ifindex the interface index
     * @param direction {@link AttachType#TCX_INGRESS} or {@link AttachType#TCX_EGRESS}
     * @return the link; the caller closes it
     */
    public static TcxLink attach(int progFd, int ifindex, AttachType direction) {
        if (direction != AttachType.TCX_INGRESS && direction != AttachType.TCX_EGRESS) {
            throw new IllegalArgumentException("tcx attaches at TCX_INGRESS or TCX_EGRESS, not " + direction);
        }
        boolean ingress = direction == AttachType.TCX_INGRESS;
        String name = Os.ifName(ifindex);
        String target = "tcx " + (ingress ? "ingress" : "egress") + " of " + (name == null ? "" : name + ", ")
                + "ifindex " + ifindex;
        if (name == null) throw new BpfException(target + ": no such network interface in this network namespace");
        Features.require(Features.Attach.TCX);
        long r = Bpf.linkCreateRaw(progFd, ifindex, direction.code(), 0, new long[] {0, 0});
        if (r == -Errno.ENODEV) throw new BpfException(target + ": no such network interface in this network namespace");
        if (r < 0) throw Errors.ofNetAttach("BPF_LINK_CREATE", (int) -r, target);
        return new TcxLink(target, new Fd((int) r));
    }
}
