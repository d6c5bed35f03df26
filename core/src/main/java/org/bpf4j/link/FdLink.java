package org.bpf4j.link;

import org.bpf4j.BpfLink;
import org.bpf4j.sys.Fd;

/** A link held by file descriptors: a BPF link fd, and the perf event fd it may sit on. */
public final class FdLink implements BpfLink {
    private final String target;
    private final Fd link;
    private final Fd perfEvent;

    /** @param link the BPF link (or the perf event carrying the program, when null) */
    FdLink(String target, Fd link, Fd perfEvent) {
        this.target = target;
        this.link = link;
        this.perfEvent = perfEvent;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public boolean isOpen() {
        return link != null ? link.isOpen() : perfEvent != null && perfEvent.isOpen();
    }

    /** The BPF link fd, or -1 for an attachment through a perf event ioctl. */
    @Override
    public int linkFd() {
        return link == null ? -1 : link.value();
    }

    @Override
    public void close() {
        if (link != null) link.close();
        if (perfEvent != null) perfEvent.close();
    }

    @Override
    public String toString() {
        return "BpfLink(" + target + ")";
    }
}
