package org.bpf4j.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpf4j.AttachType;
import org.bpf4j.MapType;
import org.bpf4j.ProgramType;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.testing.KernelTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hand-written kernel ABI (bpf_attr offsets, perf_event_attr, enum values) checked against the
 * running kernel's own BTF, the way cilium/ebpf derives its syscall layer from it.
 */
@Tag("matrix")
class KernelAbiTest {
    static Btf btf;

    @BeforeAll
    static void kernelBtf() {
        KernelTests.require(Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")), "no readable /sys/kernel/btf/vmlinux");
        btf = Btf.kernel();
    }

    /** Byte offset of {@code field} in the member of {@code composite} (an anonymous struct) that holds {@code anchor}. */
    static int offset(String composite, String anchor, String field) {
        int id = btf.find(composite, BtfKind.UNION);
        if (id < 0) id = btf.find(composite, BtfKind.STRUCT);
        assertTrue(id > 0, composite);
        for (BtfType.Member m : ((BtfType.Composite) btf.type(id)).members()) {
            int t = btf.resolve(m.type());
            if (!(btf.type(t) instanceof BtfType.Composite c)) continue;
            if (find(c, anchor) == null) continue;
            Integer off = find(c, field);
            if (off == null && NEWER_THAN_6_1.contains(field) && kernelBefore(6, 4)) return ABSENT;
            assertNotNull(off, composite + ": no " + field + " beside " + anchor);
            return (m.bitOffset() + off) / 8;
        }
        throw new AssertionError(composite + ": no member holds " + anchor);
    }

    /** Fields bpf4j knows that kernels before 6.4 lack (checked only where the kernel has them). */
    static final java.util.Set<String> NEWER_THAN_6_1 = java.util.Set.of("log_true_size", "btf_log_true_size");
    /** What {@link #offset} answers for a field this (older) kernel does not have. */
    static final int ABSENT = -1;

    /** The running kernel's version as major * 1000 + minor. */
    static int kernelVersion() {
        try {
            String[] v = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).trim()
                    .split("[.-]");
            return Integer.parseInt(v[0]) * 1000 + Integer.parseInt(v[1]);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static boolean kernelBefore(int major, int minor) {
        return kernelVersion() < major * 1000 + minor;
    }

    /** assertEquals unless the kernel is too old to have the field. */
    static void assertOffset(int expected, int actual, String what) {
        if (actual != ABSENT) assertEquals(expected, actual, what);
    }

    /** Bit offset of a named member, looking into anonymous members. */
    static Integer find(BtfType.Composite c, String name) {
        for (BtfType.Member m : c.members()) {
            if (m.name().equals(name)) return m.bitOffset();
            if (m.name().isEmpty() && btf.type(btf.resolve(m.type())) instanceof BtfType.Composite inner) {
                Integer off = find(inner, name);
                if (off != null) return m.bitOffset() + off;
            }
        }
        return null;
    }

    @Test
    void bpfAttrOffsetsMatchTheKernel() {
        String u = "bpf_attr";
        assertEquals(Bpf.MAP_CREATE_MAP_TYPE, offset(u, "key_size", "map_type"));
        assertEquals(Bpf.MAP_CREATE_MAX_ENTRIES, offset(u, "key_size", "max_entries"));
        assertEquals(Bpf.MAP_CREATE_MAP_FLAGS, offset(u, "key_size", "map_flags"));
        assertEquals(Bpf.MAP_CREATE_INNER_MAP_FD, offset(u, "key_size", "inner_map_fd"));
        assertEquals(Bpf.MAP_CREATE_NUMA_NODE, offset(u, "key_size", "numa_node"));
        assertEquals(Bpf.MAP_CREATE_MAP_NAME, offset(u, "key_size", "map_name"));
        assertEquals(Bpf.MAP_CREATE_MAP_IFINDEX, offset(u, "key_size", "map_ifindex"));
        assertEquals(Bpf.MAP_CREATE_BTF_FD, offset(u, "key_size", "btf_fd"));
        assertEquals(Bpf.MAP_CREATE_BTF_KEY_TYPE_ID, offset(u, "key_size", "btf_key_type_id"));
        assertEquals(Bpf.MAP_CREATE_BTF_VALUE_TYPE_ID, offset(u, "key_size", "btf_value_type_id"));
        assertEquals(Bpf.MAP_CREATE_BTF_VMLINUX_VALUE_TYPE_ID, offset(u, "key_size", "btf_vmlinux_value_type_id"));
        assertEquals(Bpf.MAP_CREATE_MAP_EXTRA, offset(u, "key_size", "map_extra"));

        assertEquals(Bpf.ELEM_MAP_FD, offset(u, "next_key", "map_fd"));
        assertEquals(Bpf.ELEM_KEY, offset(u, "next_key", "key"));
        assertEquals(Bpf.ELEM_VALUE, offset(u, "next_key", "value"));
        assertEquals(Bpf.ELEM_FLAGS, offset(u, "next_key", "flags"));

        assertEquals(Bpf.BATCH_IN_BATCH, offset(u, "in_batch", "in_batch"));
        assertEquals(Bpf.BATCH_OUT_BATCH, offset(u, "in_batch", "out_batch"));
        assertEquals(Bpf.BATCH_KEYS, offset(u, "in_batch", "keys"));
        assertEquals(Bpf.BATCH_VALUES, offset(u, "in_batch", "values"));
        assertEquals(Bpf.BATCH_COUNT, offset(u, "in_batch", "count"));
        assertEquals(Bpf.BATCH_MAP_FD, offset(u, "in_batch", "map_fd"));
        assertEquals(Bpf.BATCH_ELEM_FLAGS, offset(u, "in_batch", "elem_flags"));
        assertEquals(Bpf.BATCH_FLAGS, offset(u, "in_batch", "flags"));

        String[][] load = {
            {"prog_type", "0"}, {"insn_cnt", "4"}, {"insns", "8"}, {"license", "16"}, {"log_level", "24"},
            {"log_size", "28"}, {"log_buf", "32"}, {"kern_version", "40"}, {"prog_flags", "44"},
            {"prog_name", "48"}, {"prog_ifindex", "64"}, {"expected_attach_type", "68"}, {"prog_btf_fd", "72"},
            {"func_info_rec_size", "76"}, {"func_info", "80"}, {"func_info_cnt", "88"},
            {"line_info_rec_size", "92"}, {"line_info", "96"}, {"line_info_cnt", "104"},
            {"attach_btf_id", "108"}, {"attach_btf_obj_fd", "112"}, {"core_relo_cnt", "116"},
            {"fd_array", "120"}, {"core_relos", "128"}, {"core_relo_rec_size", "136"}, {"log_true_size", "140"}};
        int[] ours = {Bpf.PROG_LOAD_PROG_TYPE, Bpf.PROG_LOAD_INSN_CNT, Bpf.PROG_LOAD_INSNS, Bpf.PROG_LOAD_LICENSE,
            Bpf.PROG_LOAD_LOG_LEVEL, Bpf.PROG_LOAD_LOG_SIZE, Bpf.PROG_LOAD_LOG_BUF, Bpf.PROG_LOAD_KERN_VERSION,
            Bpf.PROG_LOAD_PROG_FLAGS, Bpf.PROG_LOAD_PROG_NAME, Bpf.PROG_LOAD_PROG_IFINDEX,
            Bpf.PROG_LOAD_EXPECTED_ATTACH_TYPE, Bpf.PROG_LOAD_PROG_BTF_FD, Bpf.PROG_LOAD_FUNC_INFO_REC_SIZE,
            Bpf.PROG_LOAD_FUNC_INFO, Bpf.PROG_LOAD_FUNC_INFO_CNT, Bpf.PROG_LOAD_LINE_INFO_REC_SIZE,
            Bpf.PROG_LOAD_LINE_INFO, Bpf.PROG_LOAD_LINE_INFO_CNT, Bpf.PROG_LOAD_ATTACH_BTF_ID,
            Bpf.PROG_LOAD_ATTACH_BTF_OBJ_FD, Bpf.PROG_LOAD_CORE_RELO_CNT, Bpf.PROG_LOAD_FD_ARRAY,
            Bpf.PROG_LOAD_CORE_RELOS, Bpf.PROG_LOAD_CORE_RELO_REC_SIZE, Bpf.PROG_LOAD_LOG_TRUE_SIZE};
        for (int i = 0; i < load.length; i++) {
            assertEquals(Integer.parseInt(load[i][1]), ours[i], load[i][0]);
            assertOffset(ours[i], offset(u, "insn_cnt", load[i][0]), "BPF_PROG_LOAD " + load[i][0]);
        }

        assertEquals(Bpf.OBJ_PATHNAME, offset(u, "pathname", "pathname"));
        assertEquals(Bpf.OBJ_BPF_FD, offset(u, "pathname", "bpf_fd"));
        assertEquals(Bpf.OBJ_FILE_FLAGS, offset(u, "pathname", "file_flags"));
        assertEquals(Bpf.ATTACH_TARGET_FD, offset(u, "attach_bpf_fd", "target_fd"));
        assertEquals(Bpf.ATTACH_BPF_FD, offset(u, "attach_bpf_fd", "attach_bpf_fd"));
        assertEquals(Bpf.ATTACH_TYPE, offset(u, "attach_bpf_fd", "attach_type"));
        assertEquals(Bpf.ATTACH_FLAGS, offset(u, "attach_bpf_fd", "attach_flags"));
        assertEquals(Bpf.ATTACH_REPLACE_BPF_FD, offset(u, "attach_bpf_fd", "replace_bpf_fd"));
        assertEquals(Bpf.TEST_RETVAL, offset(u, "data_size_in", "retval"));
        assertEquals(Bpf.TEST_DATA_IN, offset(u, "data_size_in", "data_in"));
        assertEquals(Bpf.TEST_REPEAT, offset(u, "data_size_in", "repeat"));
        assertEquals(Bpf.TEST_CTX_IN, offset(u, "data_size_in", "ctx_in"));
        assertEquals(Bpf.TEST_FLAGS, offset(u, "data_size_in", "flags"));
        assertEquals(Bpf.TEST_CPU, offset(u, "data_size_in", "cpu"));
        assertEquals(Bpf.ID_NEXT_ID, offset(u, "next_id", "next_id"));
        assertEquals(Bpf.ID_OPEN_FLAGS, offset(u, "next_id", "open_flags"));
        assertEquals(Bpf.INFO_INFO_LEN, offset(u, "info_len", "info_len"));
        assertEquals(Bpf.INFO_INFO, offset(u, "info_len", "info"));
        assertEquals(Bpf.RAW_TP_NAME, offset(u, "name", "name"));
        assertEquals(Bpf.RAW_TP_PROG_FD, offset(u, "name", "prog_fd"));
        assertEquals(Bpf.BTF_LOAD_BTF_SIZE, offset(u, "btf_log_buf", "btf_size"));
        assertEquals(Bpf.BTF_LOAD_LOG_BUF, offset(u, "btf_log_buf", "btf_log_buf"));
        assertEquals(Bpf.BTF_LOAD_LOG_SIZE, offset(u, "btf_log_buf", "btf_log_size"));
        assertEquals(Bpf.BTF_LOAD_LOG_LEVEL, offset(u, "btf_log_buf", "btf_log_level"));
        assertEquals(Bpf.LINK_CREATE_PROG_FD, offset(u, "target_btf_id", "prog_fd"));
        assertEquals(Bpf.LINK_CREATE_TARGET_FD, offset(u, "target_btf_id", "target_fd"));
        assertEquals(Bpf.LINK_CREATE_ATTACH_TYPE, offset(u, "target_btf_id", "attach_type"));
        assertEquals(Bpf.LINK_CREATE_FLAGS, offset(u, "target_btf_id", "flags"));
        assertEquals(Bpf.LINK_CREATE_UNION, offset(u, "target_btf_id", "target_btf_id"));
    }

    /** Byte offset of {@code field} in struct {@code s}, or {@link #ABSENT} on a kernel without it. */
    static int structOffset(String s, String field) {
        BtfType.Struct st = (BtfType.Struct) btf.type(btf.find(s, BtfKind.STRUCT));
        Integer off = find(st, field);
        return off == null ? ABSENT : off / 8;
    }

    @Test
    void objectInfoOffsetsMatchTheKernel() {
        Object[][] prog = {{"type", Bpf.PROG_INFO_TYPE}, {"id", Bpf.PROG_INFO_ID}, {"tag", Bpf.PROG_INFO_TAG},
            {"jited_prog_len", Bpf.PROG_INFO_JITED_PROG_LEN}, {"xlated_prog_len", Bpf.PROG_INFO_XLATED_PROG_LEN},
            {"jited_prog_insns", Bpf.PROG_INFO_JITED_PROG_INSNS}, {"xlated_prog_insns", Bpf.PROG_INFO_XLATED_PROG_INSNS},
            {"load_time", Bpf.PROG_INFO_LOAD_TIME}, {"created_by_uid", Bpf.PROG_INFO_CREATED_BY_UID},
            {"nr_map_ids", Bpf.PROG_INFO_NR_MAP_IDS}, {"map_ids", Bpf.PROG_INFO_MAP_IDS}, {"name", Bpf.PROG_INFO_NAME},
            {"ifindex", Bpf.PROG_INFO_IFINDEX}, {"gpl_compatible", Bpf.PROG_INFO_GPL_COMPATIBLE},
            {"nr_jited_ksyms", Bpf.PROG_INFO_NR_JITED_KSYMS}, {"jited_ksyms", Bpf.PROG_INFO_JITED_KSYMS},
            {"btf_id", Bpf.PROG_INFO_BTF_ID}, {"func_info_rec_size", Bpf.PROG_INFO_FUNC_INFO_REC_SIZE},
            {"func_info", Bpf.PROG_INFO_FUNC_INFO}, {"nr_func_info", Bpf.PROG_INFO_NR_FUNC_INFO},
            {"nr_line_info", Bpf.PROG_INFO_NR_LINE_INFO}, {"line_info", Bpf.PROG_INFO_LINE_INFO},
            {"line_info_rec_size", Bpf.PROG_INFO_LINE_INFO_REC_SIZE}, {"run_time_ns", Bpf.PROG_INFO_RUN_TIME_NS},
            {"run_cnt", Bpf.PROG_INFO_RUN_CNT}, {"recursion_misses", Bpf.PROG_INFO_RECURSION_MISSES},
            {"verified_insns", Bpf.PROG_INFO_VERIFIED_INSNS}, {"attach_btf_obj_id", Bpf.PROG_INFO_ATTACH_BTF_OBJ_ID},
            {"attach_btf_id", Bpf.PROG_INFO_ATTACH_BTF_ID}};
        for (Object[] f : prog) assertEquals(f[1], structOffset("bpf_prog_info", (String) f[0]), "bpf_prog_info." + f[0]);
        Object[][] map = {{"type", Bpf.MAP_INFO_TYPE}, {"id", Bpf.MAP_INFO_ID}, {"key_size", Bpf.MAP_INFO_KEY_SIZE},
            {"value_size", Bpf.MAP_INFO_VALUE_SIZE}, {"max_entries", Bpf.MAP_INFO_MAX_ENTRIES},
            {"map_flags", Bpf.MAP_INFO_MAP_FLAGS}, {"name", Bpf.MAP_INFO_NAME}, {"ifindex", Bpf.MAP_INFO_IFINDEX},
            {"btf_vmlinux_value_type_id", Bpf.MAP_INFO_BTF_VMLINUX_VALUE_TYPE_ID}, {"btf_id", Bpf.MAP_INFO_BTF_ID},
            {"btf_key_type_id", Bpf.MAP_INFO_BTF_KEY_TYPE_ID}, {"btf_value_type_id", Bpf.MAP_INFO_BTF_VALUE_TYPE_ID},
            {"map_extra", Bpf.MAP_INFO_MAP_EXTRA}};
        for (Object[] f : map) assertEquals(f[1], structOffset("bpf_map_info", (String) f[0]), "bpf_map_info." + f[0]);
        assertEquals(Bpf.LINK_INFO_PROG_ID, structOffset("bpf_link_info", "prog_id"));
        String[][] link = {{"raw_tracepoint", "tp_name"}, {"raw_tracepoint", "tp_name_len"},
            {"tracing", "attach_type"}, {"tracing", "target_obj_id"}, {"tracing", "target_btf_id"},
            {"cgroup", "cgroup_id"}, {"cgroup", "attach_type"}, {"iter", "target_name"},
            {"iter", "target_name_len"}, {"netns", "netns_ino"}, {"netns", "attach_type"},
            {"xdp", "ifindex"}, {"tcx", "ifindex"}, {"tcx", "attach_type"}};
        assertEquals(List.of(Bpf.LINK_INFO_RAW_TP_NAME, Bpf.LINK_INFO_RAW_TP_NAME_LEN, Bpf.LINK_INFO_TRACING_ATTACH_TYPE,
                Bpf.LINK_INFO_TRACING_TARGET_OBJ_ID, Bpf.LINK_INFO_TRACING_TARGET_BTF_ID, Bpf.LINK_INFO_CGROUP_ID,
                Bpf.LINK_INFO_CGROUP_ATTACH_TYPE, Bpf.LINK_INFO_ITER_TARGET_NAME, Bpf.LINK_INFO_ITER_TARGET_NAME_LEN,
                Bpf.LINK_INFO_NETNS_INO, Bpf.LINK_INFO_NETNS_ATTACH_TYPE, Bpf.LINK_INFO_XDP_IFINDEX,
                Bpf.LINK_INFO_TCX_IFINDEX, Bpf.LINK_INFO_TCX_ATTACH_TYPE),
                java.util.Arrays.stream(link).map(f -> linkUnionOffset(f[0], f[1])).toList());
    }

    /** Byte offset in struct bpf_link_info of {@code field} of union member {@code member} (tcx: kernels 6.6+). */
    static int linkUnionOffset(String member, String field) {
        BtfType.Struct st = (BtfType.Struct) btf.type(btf.find("bpf_link_info", BtfKind.STRUCT));
        for (BtfType.Member m : st.members()) {
            if (!m.name().isEmpty()) continue;
            BtfType.Composite union = (BtfType.Composite) btf.type(btf.resolve(m.type()));
            for (BtfType.Member u : union.members()) {
                if (!u.name().equals(member)) continue;
                Integer off = find((BtfType.Composite) btf.type(btf.resolve(u.type())), field);
                assertNotNull(off, member + "." + field);
                return (m.bitOffset() + u.bitOffset() + off) / 8;
            }
        }
        // a link type this (older) kernel does not have: the constant is not checked here
        return Integer.parseInt(java.util.Map.of("tcx.ifindex", "16", "tcx.attach_type", "20")
                .getOrDefault(member + "." + field, "-1"));
    }

    @Test
    void perfEventAttrOffsetsMatchTheKernel() {
        String s = "perf_event_attr";
        int id = btf.find(s, BtfKind.STRUCT);
        BtfType.Struct st = (BtfType.Struct) btf.type(id);
        assertEquals(PerfEvent.ATTR_CONFIG, find(st, "config") / 8);
        assertEquals(PerfEvent.ATTR_SAMPLE_PERIOD, find(st, "sample_period") / 8);
        assertEquals(PerfEvent.ATTR_SAMPLE_TYPE, find(st, "sample_type") / 8);
        assertEquals(PerfEvent.ATTR_READ_FORMAT, find(st, "read_format") / 8);
        assertEquals(PerfEvent.ATTR_FLAGS * 8, find(st, "disabled"));
        assertEquals(PerfEvent.ATTR_FLAGS * 8 + 10, find(st, "freq"));
        assertEquals(PerfEvent.ATTR_FLAGS * 8 + 14, find(st, "watermark"));
        assertEquals(PerfEvent.ATTR_WAKEUP, find(st, "wakeup_events") / 8);
        assertEquals(PerfEvent.ATTR_CONFIG1, find(st, "config1") / 8);
        assertEquals(PerfEvent.ATTR_CONFIG2, find(st, "config2") / 8);
        assertTrue(PerfEvent.ATTR_BYTES <= st.size());
    }

    static long enumValue(String enumName, String value) {
        BtfType.EnumValue v = enumValueOrNull(enumName, value);
        assertNotNull(v, enumName + "::" + value);
        return v.value();
    }

    static BtfType.EnumValue enumValueOrNull(String enumName, String value) {
        int id = btf.find(enumName, BtfKind.ENUM);
        assertTrue(id > 0, enumName);
        return ((BtfType.Enum) btf.type(id)).value(value);
    }

    /** "6.2" as 6002. */
    static int version(String since) {
        String[] v = since.split("\\.");
        return Integer.parseInt(v[0]) * 1000 + Integer.parseInt(v[1]);
    }

    /**
     * Every constant bpf4j knows has the kernel's value; a constant the kernel lacks must be newer
     * than it (so the same test holds on Debian's 6.1 kernels in the kernel matrix).
     */
    @Test
    void enumsMatchTheKernel() {
        int kernel = kernelVersion();
        for (MapType t : MapType.values()) {
            String name = "BPF_MAP_TYPE_" + t.name();
            BtfType.EnumValue v = enumValueOrNull("bpf_map_type", name);
            if (v == null) assertTrue(t.since() != null && version(t.since()) > kernel, name + " missing");
            else assertEquals(t.code(), v.value(), name);
        }
        for (ProgramType t : ProgramType.values()) {
            String name = "BPF_PROG_TYPE_" + t.name();
            BtfType.EnumValue v = enumValueOrNull("bpf_prog_type", name);
            if (v == null) assertTrue(t.since() != null && version(t.since()) > kernel, name + " missing");
            else assertEquals(t.code(), v.value(), name);
        }
        long maxAttach = enumValue("bpf_attach_type", "__MAX_BPF_ATTACH_TYPE");
        for (AttachType t : AttachType.values()) {
            String name = "BPF_" + t.name();
            BtfType.EnumValue v = enumValueOrNull("bpf_attach_type", name);
            if (v == null) assertTrue(t.code() >= maxAttach, name + " missing though below __MAX_BPF_ATTACH_TYPE");
            else assertEquals(t.code(), v.value(), name);
        }
        for (BpfCmd c : BpfCmd.values()) assertEquals(c.code(), enumValue("bpf_cmd", c.label()), c.label());
    }

    @Test
    void attachLayoutsMatchTheKernel() {
        String u = "bpf_attr";
        assertEquals(Bpf.LINK_CREATE_PERF_EVENT_BPF_COOKIE, offset(u, "target_btf_id", "perf_event")
                + find((BtfType.Composite) btf.type(btf.resolve(member(u, "target_btf_id", "perf_event"))), "bpf_cookie") / 8);
        if (!kernelBefore(6, 6)) { // tcx links came with 6.6
            assertEquals(Bpf.LINK_CREATE_TCX_RELATIVE_FD, offset(u, "target_btf_id", "tcx")
                    + find((BtfType.Composite) btf.type(btf.resolve(member(u, "target_btf_id", "tcx"))), "relative_fd") / 8);
            assertEquals(Bpf.LINK_CREATE_TCX_EXPECTED_REVISION, offset(u, "target_btf_id", "tcx")
                    + find((BtfType.Composite) btf.type(btf.resolve(member(u, "target_btf_id", "tcx"))), "expected_revision") / 8);
        }
        BtfType.Struct info = (BtfType.Struct) btf.type(btf.find("bpf_btf_info", BtfKind.STRUCT));
        assertEquals(Bpf.BTF_INFO_BTF, find(info, "btf") / 8);
        assertEquals(Bpf.BTF_INFO_BTF_SIZE, find(info, "btf_size") / 8);
        assertEquals(Bpf.BTF_INFO_ID, find(info, "id") / 8);
        assertEquals(Bpf.BTF_INFO_NAME, find(info, "name") / 8);
        assertEquals(Bpf.BTF_INFO_NAME_LEN, find(info, "name_len") / 8);
        assertEquals(Bpf.BTF_INFO_KERNEL_BTF, find(info, "kernel_btf") / 8);
        assertEquals(Bpf.BTF_INFO_SIZE, info.size());
    }

    /** The type of member {@code field} in the member of {@code composite} that holds {@code anchor}. */
    static int member(String composite, String anchor, String field) {
        int id = btf.find(composite, BtfKind.UNION);
        for (BtfType.Member m : ((BtfType.Composite) btf.type(id)).members()) {
            if (!(btf.type(btf.resolve(m.type())) instanceof BtfType.Composite c) || find(c, anchor) == null) continue;
            return memberType(c, field);
        }
        throw new AssertionError(composite + ": no member holds " + anchor);
    }

    static int memberType(BtfType.Composite c, String name) {
        for (BtfType.Member m : c.members()) {
            if (m.name().equals(name)) return m.type();
            if (m.name().isEmpty() && btf.type(btf.resolve(m.type())) instanceof BtfType.Composite inner) {
                try {
                    return memberType(inner, name);
                } catch (AssertionError e) {
                    // not in this anonymous member
                }
            }
        }
        throw new AssertionError("no member " + name);
    }
}
