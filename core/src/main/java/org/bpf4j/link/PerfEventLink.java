package org.bpf4j.link;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfLink;
import org.bpf4j.BpfException;
import org.bpf4j.FeatureNotSupportedException;
import org.bpf4j.sys.Cpus;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.PerfEvent;

/**
 * A {@code perf_event} program attached to a sampling perf event on every online CPU (or on the
 * CPUs given): one perf event per CPU, the program attached to each through a BPF link
 * (5.15+) or {@code PERF_EVENT_IOC_SET_BPF}, all held by this one link. The program runs on each
 * sample: {@code period} events apart, or {@code frequency} times a second (the kernel adjusts
 * the period to reach it), which is what a CPU profiler samples with.
 */
public final class PerfEventLink implements BpfLink {

    /**
     * A perf event to sample.
     *
     * @param type      {@code PERF_TYPE_SOFTWARE}, {@code PERF_TYPE_HARDWARE}, ... ({@link PerfEvent})
     * @param config    the event of that type ({@code PERF_COUNT_SW_CPU_CLOCK}, {@code PERF_COUNT_HW_CPU_CYCLES})
     * @param sample    the period (events between samples) or, with {@code frequency}, samples per second
     * @param frequency whether {@code sample} is a frequency
     */
    public record Event(int type, long config, long sample, boolean frequency) {
        /**
         * Checks the sample value.
         *
         * @throws IllegalArgumentException if {@code sample} is not positive
         */
        public Event {
            if (sample <= 0) throw new IllegalArgumentException("sample period or frequency must be positive: " + sample);
        }

        /**
         * A software event ({@code PERF_COUNT_SW_*}), sampled every event until {@link #period} or {@link #frequency}.
         *
         * @param config the {@code PERF_COUNT_SW_*} number
         * @return the event
         */
        public static Event software(int config) {
            return new Event(PerfEvent.TYPE_SOFTWARE, config, 1, false);
        }

        /**
         * A hardware event ({@code PERF_COUNT_HW_*}); virtual machines often have no PMU for them.
         *
         * @param config the {@code PERF_COUNT_HW_*} number
         * @return the event
         */
        public static Event hardware(int config) {
            return new Event(PerfEvent.TYPE_HARDWARE, config, 1, false);
        }

        /**
         * The CPU clock sampled {@code hz} times a second, the usual profiler event ({@code perf record -F}).
         *
         * @param hz samples per second per CPU
         * @return the event
         */
        public static Event cpuClock(long hz) {
            return software(PerfEvent.COUNT_SW_CPU_CLOCK).frequency(hz);
        }

        /**
         * A copy sampled every {@code events} events.
         *
         * @param events the period; positive
         * @return the new event
         */
        public Event period(long events) {
            return new Event(type, config, events, false);
        }

        /**
         * A copy sampled {@code hz} times a second.
         *
         * @param hz the frequency; positive
         * @return the new event
         */
        public Event frequency(long hz) {
            return new Event(type, config, hz, true);
        }

        String describe() {
            String kind = switch (type) {
                case PerfEvent.TYPE_SOFTWARE -> "software";
                case PerfEvent.TYPE_HARDWARE -> "hardware";
                case PerfEvent.TYPE_HW_CACHE -> "hw-cache";
                case PerfEvent.TYPE_RAW -> "raw";
                default -> "type " + type;
            };
            return kind + " event " + config + (frequency ? " at " + sample + " Hz" : " every " + sample);
        }
    }

    private final String target;
    private final List<FdLink> links;
    private final List<Integer> cpus;

    private PerfEventLink(String target, List<FdLink> links, List<Integer> cpus) {
        this.target = target;
        this.links = links;
        this.cpus = cpus;
    }

    /**
     * Attaches {@code progFd} to {@code event} on every online CPU.
     *
     * @param progFd the loaded perf_event program; it stays owned by the caller
     * @param event the event to open on each CPU
     * @return the link, owning the perf event fds; the caller closes it
     */
    public static PerfEventLink attach(int progFd, Event event) {
        return attach(progFd, event, Cpus.online());
    }

    /**
     * Attaches {@code progFd} to {@code event} on each CPU of {@code cpus}; all or nothing.
     *
     * @param progFd the loaded perf_event program; it stays owned by the caller
     * @param event the event to open on each CPU
     * @param cpus the CPU numbers
     * @return the link, owning the perf event fds; the caller closes it
     */
    public static PerfEventLink attach(int progFd, Event event, List<Integer> cpus) {
        if (cpus.isEmpty()) throw new IllegalArgumentException("no CPUs to attach to");
        String target = "perf_event " + event.describe() + " on CPUs " + cpuList(cpus);
        long flags = event.frequency() ? PerfEvent.FLAG_FREQ : 0;
        PerfEvent.Attr attr = new PerfEvent.Attr(event.type(), event.config(), event.sample(), 0, flags, 0, 0, 0);
        List<FdLink> links = new ArrayList<>(cpus.size());
        try {
            for (int cpu : cpus) {
                long r = PerfEvent.openRaw(attr, -1, cpu, -1);
                if (r < 0) throw error((int) -r, event, cpu);
                Fd perf = new Fd((int) r);
                try {
                    links.add(Attach.perfEventLink(progFd, perf, target));
                } catch (RuntimeException e) {
                    perf.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            for (FdLink l : links) l.close();
            throw e;
        }
        return new PerfEventLink(target, List.copyOf(links), List.copyOf(cpus));
    }

    private static RuntimeException error(int errno, Event event, int cpu) {
        String what = event.describe() + " on CPU " + cpu;
        if (event.type() == PerfEvent.TYPE_HARDWARE && (errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP)) {
            boolean pmu = Files.exists(Path.of("/sys/bus/event_source/devices/cpu"))
                    || Files.exists(Path.of("/sys/bus/event_source/devices/armv8_pmuv3_0"));
            return FeatureNotSupportedException.withMessage("hardware perf events", "hardware perf events are not "
                    + "supported on this machine: perf_event_open says " + org.bpf4j.sys.Errno.name(errno) + " for "
                    + what + (pmu ? "" : " (no CPU PMU in /sys/bus/event_source/devices: virtual machines often "
                    + "expose none; use a software event such as cpu-clock)"));
        }
        if (errno == Errno.EINVAL && event.frequency()) {
            return Errors.of("perf_event_open", errno, what + " (above kernel.perf_event_max_sample_rate?)");
        }
        if (errno == Errno.ENODEV) return new BpfException(what + ": CPU " + cpu + " is offline or does not exist");
        return Errors.of("perf_event_open", errno, what);
    }

    private static String cpuList(List<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cpus.size(); i++) {
            int start = cpus.get(i), end = start;
            while (i + 1 < cpus.size() && cpus.get(i + 1) == end + 1) end = cpus.get(++i);
            if (!sb.isEmpty()) sb.append(',');
            sb.append(start);
            if (end != start) sb.append('-').append(end);
        }
        return sb.toString();
    }

    /**
     * The CPUs the program is attached on, one perf event each.
     *
     * @return the CPU numbers
     */
    public List<Integer> cpus() {
        return cpus;
    }

    /**
     * Whether every event carries the program through a BPF link (false: the perf event ioctl of older kernels).
     *
     * @return true if every event has a BPF link
     */
    public boolean bpfLinks() {
        for (FdLink l : links) if (l.linkFd() < 0) return false;
        return true;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public boolean isOpen() {
        for (FdLink l : links) if (l.isOpen()) return true;
        return false;
    }

    @Override
    public void close() {
        for (FdLink l : links) l.close();
    }

    @Override
    public String toString() {
        return "PerfEventLink(" + target + ")";
    }
}
