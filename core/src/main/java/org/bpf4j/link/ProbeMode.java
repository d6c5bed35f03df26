package org.bpf4j.link;

/** How a kprobe or uprobe is created in the kernel. */
public enum ProbeMode {
    /** The probe's PMU when the kernel has it (4.17+), tracefs dynamic events otherwise (libbpf's default). */
    AUTO,
    /** Only the PMU: {@code perf_event_open} with {@code /sys/bus/event_source/devices/<kind>/type}. */
    PMU,
    /**
     * Only tracefs: a dynamic event written to {@code kprobe_events} or {@code uprobe_events},
     * removed again when the link closes. Needed for a kretprobe's {@code maxactive}.
     */
    TRACEFS
}
