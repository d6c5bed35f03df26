/**
 * Internal, not API: the raw system calls ({@code bpf}, {@code perf_event_open}, {@code mmap},
 * {@code epoll}, ...) through the FFM API, their attribute layouts, errno names and the file
 * descriptor owner {@link org.bpf4j.sys.Fd}. The other packages build on it; applications use
 * those instead. Its classes are public only because Java packages cannot share package-private
 * members: they may change or go in any release without notice, they are left out of the
 * published javadoc, and their members are not documented one by one.
 */
package org.bpf4j.sys;
