package org.bpf4j;

import org.bpf4j.link.LinkInfo;
import org.bpf4j.sys.Bpf;

/**
 * An attachment of a program to a hook. Closing it detaches the program. Every attach method
 * returns one; {@link BpfObject} also closes the links of its programs when it closes.
 */
public interface BpfLink extends AutoCloseable {
    /**
     * What the program is attached to, for messages ({@code tracepoint raw_syscalls/sys_enter}).
     *
     * @return a short description of the target
     */
    String target();

    /**
     * Whether the link still holds its attachment.
     *
     * @return false once closed or detached
     */
    boolean isOpen();

    /** Detaches; idempotent. */
    @Override
    void close();

    /**
     * The BPF link file descriptor, or -1 for an attachment without one (through a perf event
     * ioctl, a socket option, or several perf events).
     *
     * @return the link fd, owned by the link, or -1
     */
    default int linkFd() {
        return -1;
    }

    /**
     * What the kernel says about the link; only for BPF links ({@link #linkFd()} is not -1).
     *
     * @return a fresh query of the kernel's {@code bpf_link_info}
     * @throws BpfException if the attachment is not a BPF link
     */
    default LinkInfo info() {
        return LinkInfo.of(requireLinkFd("has no link info"));
    }

    /**
     * Pins the link at {@code path} on a bpf file system: it then stays attached after this process exits.
     *
     * @param path the file to create on a bpf file system; its directory must exist
     */
    default void pin(java.nio.file.Path path) {
        Bpf.objPin(requireLinkFd("cannot be pinned"), path.toString());
    }

    /**
     * Detaches the program now ({@code BPF_LINK_DETACH}), even while pins or other processes
     * still hold the link; the link's file descriptor stays open until {@link #close()}.
     */
    default void detach() {
        int fd = requireLinkFd("cannot be detached by BPF_LINK_DETACH");
        long r = Bpf.linkDetachRaw(fd);
        if (r == -org.bpf4j.sys.Errno.EOPNOTSUPP) {
            throw new BpfException(this + ": the kernel cannot detach " + LinkInfo.of(fd).typeName()
                    + " links on demand (BPF_LINK_DETACH: EOPNOTSUPP); remove its pins and close its holders instead");
        }
        org.bpf4j.sys.Errors.check(r, "BPF_LINK_DETACH", target());
    }

    private int requireLinkFd(String what) {
        int fd = linkFd();
        if (fd < 0) {
            throw new BpfException(this + " (" + target() + ") is not a BPF link (it is attached through a perf "
                    + "event or a socket option) and " + what);
        }
        return fd;
    }
}
