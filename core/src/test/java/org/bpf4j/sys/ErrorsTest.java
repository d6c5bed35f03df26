package org.bpf4j.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpf4j.PermissionException;
import org.bpf4j.SyscallException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void messageNamesCommandAndErrno() {
        SyscallException e = Errors.of("BPF_PROG_LOAD", Errno.EACCES, "program 'x'");
        assertEquals("BPF_PROG_LOAD: EACCES (13) Permission denied: program 'x'", e.getMessage());
        assertEquals(13, e.errno());
        assertEquals("BPF_PROG_LOAD", e.operation());
    }

    @Test
    void epermNamesTheCapability() {
        SyscallException e = Errors.of("BPF_MAP_CREATE", Errno.EPERM, "map 'counts'");
        PermissionException p = assertInstanceOf(PermissionException.class, e);
        assertEquals("CAP_BPF (or CAP_SYS_ADMIN)", p.capability());
        assertTrue(e.getMessage().startsWith("BPF_MAP_CREATE: EPERM (1) Operation not permitted: map 'counts'"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(run as root or grant CAP_BPF (or CAP_SYS_ADMIN))"), e.getMessage());
        PermissionException perf = (PermissionException) Errors.of("perf_event_open", Errno.EPERM, null);
        assertTrue(perf.capability().startsWith("CAP_PERFMON"));
    }

    @Test
    void errnoNames() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("E2BIG", Errno.name(7));
        assertEquals("ENOTSUPP", Errno.name(524));
        assertEquals("errno 9999", Errno.name(9999));
    }

    @Test
    void cpuLists() {
        assertEquals(java.util.List.of(0, 1, 2, 3, 8, 10, 11), Cpus.parseList("0-3,8,10-11"));
        assertEquals(java.util.List.of(0), Cpus.parseList("0"));
    }
}
