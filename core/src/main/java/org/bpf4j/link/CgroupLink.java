package org.bpf4j.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpf4j.AttachType;
import org.bpf4j.BpfException;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * A cgroup program (cgroup_skb, cgroup_sock, cgroup_sock_addr, sockops, sysctl, sockopt, device)
 * attached to a cgroup v2 directory through a BPF link ({@code BPF_LINK_CREATE} with the cgroup's
 * fd, Linux 5.7+). It runs for the processes of that cgroup and of its descendants; several
 * programs may share a hook (the kernel's multi-attach mode), and closing the link detaches only
 * this one.
 */
public final class CgroupLink extends LinkFdOwner {

    private CgroupLink(String target, Fd link) {
        super(target, link);
    }

    /**
     * Attaches {@code progFd} to the cgroup v2 directory {@code cgroup} at hook {@code type}.
     *
     * @param progFd the loaded cgroup program; it stays owned by the caller
     * @param cgroup the cgroup v2 directory; it is open only while attaching
     * @param type the cgroup hook
     * @return the link; the caller closes it
     * @throws BpfException if {@code cgroup} is not a directory or the kernel refuses the attachment
     */
    public static CgroupLink attach(int progFd, Path cgroup, AttachType type) {
        if (!Files.isDirectory(cgroup)) throw new BpfException("cgroup " + cgroup + " is not a directory");
        try (Fd fd = Os.openDirectory(cgroup.toString())) {
            return attach(progFd, fd.value(), type, cgroup.toString());
        }
    }

    /**
     * Attaches {@code progFd} to the cgroup open as {@code cgroupFd} at hook {@code type}.
     *
     * @param progFd the loaded cgroup program; it stays owned by the caller
     * @param cgroupFd an open cgroup directory; it stays owned by the caller
     * @param type the cgroup hook
     * @return the link; the caller closes it
     */
    public static CgroupLink attach(int progFd, int cgroupFd, AttachType type) {
        return attach(progFd, cgroupFd, type, "fd " + cgroupFd);
    }

    private static CgroupLink attach(int progFd, int cgroupFd, AttachType type, String what) {
        String target = "cgroup " + what + " " + type.name().toLowerCase();
        Features.require(Features.Attach.CGROUP_LINK);
        long r = Bpf.linkCreateRaw(progFd, cgroupFd, type.code(), 0, null);
        if (r == -Errno.EBADF) {
            throw new BpfException(target + ": not a cgroup v2 directory (cgroup v2 is mounted at "
                    + describeRoot() + ")");
        }
        if (r < 0) throw Errors.ofNetAttach("BPF_LINK_CREATE", (int) -r, target);
        return new CgroupLink(target, new Fd((int) r));
    }

    private static String describeRoot() {
        Path p = cgroup2Root();
        return p == null ? "no mount point: mount -t cgroup2 none /sys/fs/cgroup" : p.toString();
    }

    /**
     * Where the cgroup v2 hierarchy is mounted, from {@code /proc/self/mounts} (the first
     * {@code cgroup2} entry: {@code /sys/fs/cgroup} on most systems, {@code /sys/fs/cgroup/unified}
     * in systemd's hybrid layout), or null if it is not mounted.
     *
     * @return the mount point, or null
     */
    public static Path cgroup2Root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length >= 3 && f[2].equals("cgroup2")) return Path.of(unescape(f[1]));
            }
        } catch (IOException e) {
            throw new BpfException("cannot read /proc/self/mounts: " + e.getMessage(), e);
        }
        return null;
    }

    /** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                String oct = s.substring(i + 1, Math.min(i + 4, s.length()));
                if (oct.length() == 3 && oct.chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                    sb.append((char) Integer.parseInt(oct, 8));
                    i += 3;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
