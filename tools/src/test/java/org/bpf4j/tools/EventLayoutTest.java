package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpf4j.ObjectSpec;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.junit.jupiter.api.Test;

/** The event layouts the Java side of execsnoop, opensnoop and sigsnoop decode, checked against the BTF of their compiled objects. */
class EventLayoutTest {
    static BtfType.Composite struct(String object, String name) {
        Btf btf = ObjectSpec.fromResource(EventLayoutTest.class, "bpf/" + object).btf();
        int id = btf.find(name, BtfKind.STRUCT);
        assertTrue(id > 0, object + ": struct " + name);
        return (BtfType.Composite) btf.type(id);
    }

    static int offset(BtfType.Composite s, String member) {
        BtfType.Member m = s.member(member);
        assertNotNull(m, s.name() + "." + member);
        return m.bitOffset() / 8;
    }

    @Test
    void execEvent() {
        BtfType.Composite s = struct("execsnoop.bpf.o", "exec_event");
        assertEquals(Execsnoop.Layout.OFF_PID, offset(s, "pid"));
        assertEquals(Execsnoop.Layout.OFF_PPID, offset(s, "ppid"));
        assertEquals(Execsnoop.Layout.OFF_UID, offset(s, "uid"));
        assertEquals(Execsnoop.Layout.OFF_RETVAL, offset(s, "retval"));
        assertEquals(Execsnoop.Layout.OFF_ARGS_COUNT, offset(s, "args_count"));
        assertEquals(Execsnoop.Layout.OFF_ARGS_SIZE, offset(s, "args_size"));
        assertEquals(Execsnoop.Layout.OFF_COMM, offset(s, "comm"));
        assertEquals(Execsnoop.Layout.OFF_ARGS, offset(s, "args"));
        assertEquals(Execsnoop.Layout.OFF_ARGS + Execsnoop.TOTAL_MAX_ARGS * 128, s.size(), "60 arguments of 128 bytes");
    }

    @Test
    void openEvent() {
        BtfType.Composite s = struct("opensnoop.bpf.o", "open_event");
        assertEquals(Opensnoop.Layout.OFF_PID, offset(s, "pid"));
        assertEquals(Opensnoop.Layout.OFF_UID, offset(s, "uid"));
        assertEquals(Opensnoop.Layout.OFF_RET, offset(s, "ret"));
        assertEquals(Opensnoop.Layout.OFF_FLAGS, offset(s, "flags"));
        assertEquals(Opensnoop.Layout.OFF_MODE, offset(s, "mode"));
        assertEquals(Opensnoop.Layout.OFF_COMM, offset(s, "comm"));
        assertEquals(Opensnoop.Layout.OFF_FNAME, offset(s, "fname"));
        assertEquals((Opensnoop.Layout.OFF_FNAME + Opensnoop.NAME_MAX + 3) & ~3, s.size(), "char fname[255], padded to 4");
    }

    @Test
    void sigEvent() {
        BtfType.Composite s = struct("sigsnoop.bpf.o", "sig_event");
        assertEquals(Sigsnoop.Layout.OFF_PID, offset(s, "pid"));
        assertEquals(Sigsnoop.Layout.OFF_TPID, offset(s, "tpid"));
        assertEquals(Sigsnoop.Layout.OFF_SIG, offset(s, "sig"));
        assertEquals(Sigsnoop.Layout.OFF_RET, offset(s, "ret"));
        assertEquals(Sigsnoop.Layout.OFF_COMM, offset(s, "comm"));
        assertEquals(Sigsnoop.Layout.SIZE, s.size());
    }
}
