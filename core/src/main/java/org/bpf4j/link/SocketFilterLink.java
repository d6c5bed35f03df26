package org.bpf4j.link;

import org.bpf4j.BpfLink;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Os;

/**
 * A socket filter: a {@code socket_filter} program attached to one socket with
 * {@code setsockopt(SO_ATTACH_BPF)}. It sees each packet the socket would receive and returns how
 * many bytes of it to keep; 0 drops the packet before the socket queues it.
 *
 * <p>The socket is given as a file descriptor the caller owns: one made with
 * {@link Os#socket}, inherited, or received over a Unix socket (Java's own {@code java.net}
 * sockets do not expose theirs). The link keeps a duplicate of that descriptor, so detaching
 * ({@code SO_DETACH_BPF} on close) always reaches this socket, never one that later reuses the
 * number; the socket lives until both the caller's descriptor and the link are closed.
 */
public final class SocketFilterLink implements BpfLink {
    private final String target;
    private final Fd socket;

    private SocketFilterLink(String target, Fd socket) {
        this.target = target;
        this.socket = socket;
    }

    /**
     * Attaches {@code progFd} (a socket filter program) to socket {@code socketFd}.
     *
     * @param progFd the loaded socket filter program; it stays owned by the caller
     * @param socketFd the socket; the link holds its own duplicate, the caller keeps this one
     * @return the link; closing it detaches the filter
     */
    public static SocketFilterLink attach(int progFd, int socketFd) {
        String target = "socket filter on fd " + socketFd;
        Fd dup = Os.dup(socketFd);
        long r = Os.setsockoptInt(dup.value(), Os.SOL_SOCKET, Os.SO_ATTACH_BPF, progFd);
        if (r < 0) {
            dup.close();
            if (r == -Errno.ENOTSOCK) throw new org.bpf4j.BpfException(target + ": not a socket");
            throw Errors.of("setsockopt(SO_ATTACH_BPF)", (int) -r, target);
        }
        return new SocketFilterLink(target, dup);
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public synchronized void close() {
        if (!socket.isOpen()) return;
        try {
            long r = Os.setsockoptInt(socket.value(), Os.SOL_SOCKET, Os.SO_DETACH_BPF, 0);
            // ENOENT: the socket had no filter any more (detached by someone else)
            if (r < 0 && r != -Errno.ENOENT) throw Errors.of("setsockopt(SO_DETACH_BPF)", (int) -r, target);
        } finally {
            socket.close();
        }
    }

    @Override
    public String toString() {
        return "SocketFilterLink(" + target + ")";
    }
}
