package org.bpf4j.link;

import org.bpf4j.BpfLink;

/**
 * A kprobe or uprobe: a perf event link, and when the kernel had no PMU for it, the tracefs
 * event it was created from, removed again when the link closes.
 */
abstract class ProbeLink implements BpfLink {
    private final String target;
    private final FdLink link;
    private final Probes.Legacy legacy;

    /** @param legacy the tracefs event, or null when the PMU created the probe */
    ProbeLink(String target, FdLink link, Probes.Legacy legacy) {
        this.target = target;
        this.link = link;
        this.legacy = legacy;
    }

    @Override
    public String target() {
        return target;
    }

    /**
     * The tracefs event {@code group/name} this link created, or null when it used the PMU.
     *
     * @return the event, or null
     */
    public String tracefsEvent() {
        return legacy == null ? null : legacy.group() + "/" + legacy.event();
    }

    @Override
    public int linkFd() {
        return link.linkFd();
    }

    @Override
    public boolean isOpen() {
        return link.isOpen();
    }

    @Override
    public synchronized void close() {
        if (!link.isOpen()) return;
        link.close();
        if (legacy != null) legacy.remove();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + target + ")";
    }
}
