package org.bpf4j.link;

import org.bpf4j.BpfLink;

import java.util.List;

/**
 * A program attached to a USDT probe: one uprobe per place the probe occurs in the binary (with
 * its semaphore counted while attached), each carrying the id of its argument spec as BPF cookie,
 * as libbpf attaches {@code usdt/...} programs. Closing detaches every uprobe, then releases the
 * spec ids (and the IP entries of kernels without cookies).
 */
public final class UsdtLink implements BpfLink {
    private final String target;
    private final List<UprobeLink> uprobes;
    private final Runnable release;
    private boolean closed;

    /**
     * Holds the uprobes of one USDT attachment; the loader makes it.
     *
     * @param target  the probe, for messages
     * @param uprobes the uprobes, one per probe site; this link owns and closes them
     * @param release run once after the uprobes are closed: gives the spec ids back
     */
    public UsdtLink(String target, List<UprobeLink> uprobes, Runnable release) {
        this.target = target;
        this.uprobes = List.copyOf(uprobes);
        this.release = release;
    }

    @Override
    public String target() {
        return target;
    }

    /**
     * The uprobes, one per probe site.
     *
     * @return the uprobes, unmodifiable
     */
    public List<UprobeLink> uprobes() {
        return uprobes;
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (UprobeLink u : uprobes) {
            try {
                u.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        release.run();
        if (first != null) throw first;
    }

    @Override
    public String toString() {
        return "UsdtLink(" + target + ", " + uprobes.size() + " uprobe(s))";
    }
}
