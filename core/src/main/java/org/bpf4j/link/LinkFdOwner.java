package org.bpf4j.link;

import org.bpf4j.BpfLink;
import org.bpf4j.sys.Fd;

/**
 * A link that owns one BPF link file descriptor ({@code BPF_LINK_CREATE}): closing the fd
 * detaches the program. Cgroup, tcx and XDP links differ only in how they attach.
 */
abstract class LinkFdOwner implements BpfLink {
    private final String target;
    final Fd link;

    LinkFdOwner(String target, Fd link) {
        this.target = target;
        this.link = link;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public int linkFd() {
        return link.value();
    }

    @Override
    public boolean isOpen() {
        return link.isOpen();
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + target + ")";
    }
}
