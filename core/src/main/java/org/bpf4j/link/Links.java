package org.bpf4j.link;

import java.nio.file.Path;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.BpfCmd;

/** The kernel's BPF links: their ids, and opening one by id or pinned path. */
public final class Links {
    private Links() {}

    /**
     * The ids of every BPF link in the kernel, in increasing order.
     *
     * @return the link ids; empty if there are none
     */
    public static List<Integer> ids() {
        return Bpf.ids(BpfCmd.LINK_GET_NEXT_ID);
    }

    /**
     * Opens the link with id {@code id}; the caller owns the returned handle. Closing it does not
     * detach the program while another holder (the process that made it, a pin) keeps the link;
     * {@link BpfLink#detach()} does.
     *
     * @param id the kernel's link id
     * @return the handle; the caller closes it
     */
    public static BpfLink open(int id) {
        return new FdLink("link id " + id, Bpf.getFdById(BpfCmd.LINK_GET_FD_BY_ID, id), null);
    }

    /**
     * Opens the link pinned at {@code path}; the caller owns the returned handle.
     *
     * @param path the pinned file on a bpf file system
     * @return the handle; the caller closes it
     */
    public static BpfLink openPinned(Path path) {
        return new FdLink("link pinned at " + path, Bpf.objGet(path.toString(), "link"), null);
    }
}
