package org.bpf4j.link;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.sys.Bpf;

/**
 * A program attached through a perf event or a raw tracepoint, found as an open file descriptor
 * of a process ({@code BPF_TASK_FD_QUERY} over {@code /proc/PID/fd}): what {@code bpftool perf
 * list} shows. Tracepoint, kprobe and uprobe programs attached the legacy way have no BPF link,
 * so this is how to see who holds them.
 *
 * @param pid the process holding the descriptor
 * @param fd the descriptor's number in that process
 * @param progId the attached program's id
 * @param fdType  {@code BPF_FD_TYPE_*}: 0 raw_tracepoint, 1 tracepoint, 2 kprobe, 3 kretprobe,
 *                4 uprobe, 5 uretprobe
 * @param name    the tracepoint, the kprobe's function (empty for an address), the uprobe's file
 * @param offset  kprobes and uprobes: the probe offset
 * @param addr    kprobes on an address: the address
 */
public record PerfAttachment(int pid, int fd, int progId, int fdType, String name, long offset, long addr) {
    private static final String[] TYPES = {"raw_tracepoint", "tracepoint", "kprobe", "kretprobe", "uprobe", "uretprobe"};

    /**
     * The attachment kind as bpftool names it, or {@code type N}.
     *
     * @return the kind's name
     */
    public String typeName() {
        return fdType >= 0 && fdType < TYPES.length ? TYPES[fdType] : "type " + fdType;
    }

    /**
     * Every such attachment of every process, by pid then fd (in /proc's order).
     *
     * @return the attachments; processes that exit meanwhile or cannot be read are skipped
     */
    public static List<PerfAttachment> list() {
        List<PerfAttachment> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined(); DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            MemorySegment buf = arena.allocate(4096);
            for (Path proc : procs) {
                int pid = number(proc.getFileName().toString());
                if (pid < 0) continue;
                out.addAll(of(pid, proc.resolve("fd"), buf));
            }
        } catch (IOException e) {
            throw new org.bpf4j.BpfException("cannot list /proc: " + e.getMessage());
        }
        return out;
    }

    /**
     * The attachments of process {@code pid}.
     *
     * @param pid the process id
     * @return the attachments, by fd
     */
    public static List<PerfAttachment> of(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            return of(pid, Path.of("/proc/" + pid + "/fd"), arena.allocate(4096));
        }
    }

    private static List<PerfAttachment> of(int pid, Path fdDir, MemorySegment buf) {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fdDir)) {
            for (Path f : s) {
                int fd = number(f.getFileName().toString());
                if (fd >= 0) fds.add(fd);
            }
        } catch (IOException | SecurityException e) {
            return List.of(); // the process exited, or its fds are not ours to see
        }
        List<PerfAttachment> out = new ArrayList<>();
        for (int fd : fds) {
            Bpf.TaskFd q = Bpf.taskFdQuery(pid, fd, buf);
            if (q != null) out.add(new PerfAttachment(pid, fd, q.progId(), q.fdType(), q.name(), q.probeOffset(), q.probeAddr()));
        }
        return out;
    }

    private static int number(String s) {
        if (s.isEmpty() || s.length() > 9) return -1;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return -1;
        return Integer.parseInt(s);
    }
}
