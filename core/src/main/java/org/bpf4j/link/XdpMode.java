package org.bpf4j.link;

/** Where an XDP program runs ({@code XDP_FLAGS_*_MODE} of {@code BPF_LINK_CREATE}); see {@link XdpLink}. */
public enum XdpMode {
    /** No flag: the kernel chooses (native when the driver supports it, generic otherwise). */
    AUTO(0, ""),
    /** {@code XDP_FLAGS_SKB_MODE}: generic XDP, in the kernel's receive path (any interface, slower). */
    GENERIC(2, " (generic mode)"),
    /** {@code XDP_FLAGS_DRV_MODE}: native XDP in the driver (fails if the driver has none). */
    DRIVER(4, " (driver mode)"),
    /** {@code XDP_FLAGS_HW_MODE}: offloaded to the NIC. */
    OFFLOAD(8, " (offload mode)");

    private final int flags;
    private final String label;

    XdpMode(int flags, String label) {
        this.flags = flags;
        this.label = label;
    }

    /**
     * The kernel's flag for this mode.
     *
     * @return the {@code XDP_FLAGS_*} value, 0 for {@link #AUTO}
     */
    public int flags() {
        return flags;
    }

    /** The mode as {@link XdpLink#target()} says it, with a leading space; empty for {@link #AUTO}. */
    String label() {
        return label;
    }
}
