package org.bpf4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.core.CoreRelocator;
import org.bpf4j.features.Features;
import org.bpf4j.features.KernelConfig;
import org.bpf4j.link.KprobeLink;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Fd;

/**
 * Resolves an object's externs for one load, with libbpf's semantics (bpf_object__resolve_externs):
 * the {@code .kconfig} map's value (virtual {@code LINUX_*} externs, {@code CONFIG_*} from the
 * kernel configuration), typeless ksyms from {@code /proc/kallsyms}, typed ksyms and kfuncs from
 * the BTF of vmlinux and of the loaded modules. Every extern is resolved, used by the loaded
 * programs or not, as libbpf does; a strong one that cannot be is an error naming it. Module
 * BTF fds it opens go to {@code owned}: the caller closes them once the programs are loaded.
 */
final class Externs {
    /** How one extern was resolved. */
    record Value(Extern extern, boolean set, long address, int btfId, int btfObjFd, int fdIndex, String how) {}

    /** The answers: the {@code .kconfig} value, each extern's, and the fd_array of module BTFs (index 0 unused). */
    record Resolved(byte[] kconfig, List<Value> values, int[] fdArray) {
        static final Resolved NONE = new Resolved(null, List.of(), new int[0]);

        Value get(int externIndex) {
            return values.get(externIndex);
        }
    }

    private final ObjectSpec spec;
    private final Btf btf;
    private final LoadOptions opt;
    private final List<AutoCloseable> owned;
    private final List<Value> values = new ArrayList<>();
    private final Map<String, Integer> fdIndexByModule = new HashMap<>();
    private final List<Integer> fdArray = new ArrayList<>(List.of(0));

    private Externs(ObjectSpec spec, LoadOptions opt, List<AutoCloseable> owned) {
        this.spec = spec;
        this.btf = spec.btf();
        this.opt = opt;
        this.owned = owned;
    }

    static Resolved resolve(ObjectSpec spec, LoadOptions opt, List<AutoCloseable> owned) {
        if (spec.externs().isEmpty()) return Resolved.NONE;
        return new Externs(spec, opt, owned).run();
    }

    private BpfException error(Extern e, String problem) {
        return new BpfException(spec.file() + ": " + e.describe(btf) + ": " + problem);
    }

    private Resolved run() {
        byte[] kconfig = null;
        MapSpec km = spec.maps().get(ObjectSpec.KCONFIG);
        if (km != null) kconfig = new byte[km.valueSize()];
        KernelConfig config = null;
        Map<String, List<long[]>> kallsyms = null;
        for (Extern e : spec.externs()) {
            Value v;
            if (e.kind() == Extern.Kind.KCONFIG) {
                v = kconfig(e, kconfig, e.name().startsWith("CONFIG_") ? (config == null ? config = config() : config)
                        : null);
            } else if (e.typeId() == 0) {
                if (kallsyms == null) kallsyms = kallsyms();
                v = typeless(e, kallsyms);
            } else if (e.func(btf)) {
                v = kfunc(e);
            } else {
                v = typedVar(e);
            }
            if (!v.set() && !e.weak()) throw error(e, v.how());
            values.add(v);
        }
        int[] fds = new int[fdArray.size() > 1 ? fdArray.size() : 0];
        for (int i = 0; i < fds.length; i++) fds[i] = fdArray.get(i);
        return new Resolved(kconfig, List.copyOf(values), fds);
    }

    // ------------------------------------------------------------------------------------ kconfig

    private KernelConfig config() {
        if (opt.kernelConfig() != null) {
            try {
                return KernelConfig.read(opt.kernelConfig());
            } catch (IOException e) {
                throw new BpfException("cannot read the kernel configuration " + opt.kernelConfig() + ": " + e.getMessage(), e);
            }
        }
        return KernelConfig.running().orElse(null);
    }

    private Value kconfig(Extern e, byte[] data, KernelConfig config) {
        String name = e.name();
        if (name.startsWith("CONFIG_")) {
            if (config == null) {
                return unset(e, "no kernel configuration to read it from (/proc/config.gz, /boot/config-$(uname -r)); "
                        + "give one with LoadOptions.withKernelConfig");
            }
            String value = config.assigned(name);
            if (value == null) return unset(e, "not set in " + config.source());
            writeConfig(e, data, value);
            return new Value(e, true, 0, 0, 0, 0, "= " + value + " (" + config.source() + ")");
        }
        long value;
        String how;
        switch (name) {
            case "LINUX_KERNEL_VERSION" -> {
                value = Features.kernelVersionCode();
                if (value == 0) throw error(e, "cannot tell the kernel version");
                how = "= " + (value >> 16) + "." + ((value >> 8) & 0xff) + "." + (value & 0xff) + " (0x"
                        + Long.toHexString(value) + ")";
            }
            case "LINUX_HAS_BPF_COOKIE" -> {
                value = Features.helper(ProgramType.TRACEPOINT, HELPER_GET_ATTACH_COOKIE) ? 1 : 0;
                how = "= " + value + " (bpf_get_attach_cookie " + (value == 1 ? "available" : "missing") + ")";
            }
            case "LINUX_HAS_SYSCALL_WRAPPER" -> {
                value = KprobeLink.syscallWrappers() ? 1 : 0;
                how = "= " + value + " (" + KprobeLink.syscallPrefix() + "bpf " + (value == 1 ? "in" : "not in")
                        + " /proc/kallsyms)";
            }
            default -> {
                if (!name.startsWith("LINUX_") || !e.weak()) {
                    throw error(e, "unrecognized virtual extern: libbpf fills LINUX_KERNEL_VERSION, "
                            + "LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER and CONFIG_* from the kernel configuration");
                }
                return unset(e, "unknown virtual extern");
            }
        }
        writeNumber(e, data, value, String.valueOf(value));
        return new Value(e, true, 0, 0, 0, 0, how);
    }

    private static final int HELPER_GET_ATTACH_COOKIE = 174;

    private static Value unset(Extern e, String why) {
        return new Value(e, false, 0, 0, 0, 0, why);
    }

    /** libbpf's bpf_object__process_kconfig_line for one value. */
    private void writeConfig(Extern e, byte[] data, String value) {
        char c = value.isEmpty() ? 0 : value.charAt(0);
        switch (c) {
            case 'y', 'n', 'm' -> {
                switch (e.kcfg()) {
                    case BOOL -> {
                        if (c == 'm') throw error(e, "value 'm' implies tristate or char type");
                        data[e.offset()] = (byte) (c == 'y' ? 1 : 0);
                    }
                    case TRISTATE -> put(data, e.offset(), 4, c == 'y' ? 1 : c == 'm' ? 2 : 0);
                    case CHAR -> data[e.offset()] = (byte) c;
                    default -> throw error(e, "value '" + c + "' implies bool, tristate, or char type");
                }
            }
            case '"' -> {
                if (e.kcfg() != Extern.Kcfg.CHAR_ARRAY) throw error(e, "value '" + value + "' implies char array type");
                if (value.length() < 2 || value.charAt(value.length() - 1) != '"') {
                    throw error(e, "invalid string config '" + value + "'");
                }
                byte[] b = value.substring(1, value.length() - 1).getBytes(StandardCharsets.UTF_8);
                int n = Math.min(b.length, e.size() - 1); // truncated as libbpf does, NUL-terminated
                System.arraycopy(b, 0, data, e.offset(), n);
                data[e.offset() + n] = 0;
            }
            default -> {
                long v;
                try {
                    v = parseU64(value);
                } catch (NumberFormatException x) {
                    throw error(e, "value '" + value + "' isn't a valid integer");
                }
                if (e.kcfg() != Extern.Kcfg.INT && e.kcfg() != Extern.Kcfg.CHAR) {
                    throw error(e, "value '" + value + "' implies integer type");
                }
                writeNumber(e, data, v, value);
            }
        }
    }

    /** strtoull(value, 0): decimal, 0x hexadecimal or 0 octal; a leading '-' negates, as strtoull does. */
    private static long parseU64(String value) {
        String s = value;
        boolean neg = s.startsWith("-");
        if (neg || s.startsWith("+")) s = s.substring(1);
        long v;
        if (s.startsWith("0x") || s.startsWith("0X")) v = Long.parseUnsignedLong(s.substring(2), 16);
        else if (s.length() > 1 && s.startsWith("0")) v = Long.parseUnsignedLong(s.substring(1), 8);
        else v = Long.parseUnsignedLong(s);
        return neg ? -v : v;
    }

    /** libbpf's set_kcfg_value_num with is_kcfg_value_in_range. */
    private void writeNumber(Extern e, byte[] data, long v, String text) {
        if (e.kcfg() != Extern.Kcfg.INT && e.kcfg() != Extern.Kcfg.CHAR && e.kcfg() != Extern.Kcfg.BOOL) {
            throw error(e, "value '" + text + "' implies integer, char, or boolean type");
        }
        if (e.kcfg() == Extern.Kcfg.BOOL && Long.compareUnsigned(v, 1) > 0) {
            throw error(e, "value '" + text + "' isn't boolean compatible");
        }
        int bits = e.size() * 8;
        boolean fits = bits == 64 || (e.signed() ? Long.compareUnsigned(v + (1L << (bits - 1)), 1L << bits) < 0
                : v >>> bits == 0);
        if (!fits) throw error(e, "value '" + text + "' doesn't fit in " + e.size() + " bytes");
        put(data, e.offset(), e.size(), v);
    }

    private static void put(byte[] data, int off, int size, long v) {
        for (int i = 0; i < size; i++) data[off + i] = (byte) (v >>> (8 * i));
    }

    // --------------------------------------------------------------------------------------- ksyms

    /** The addresses of the object's typeless ksyms in /proc/kallsyms, by name. */
    private Map<String, List<long[]>> kallsyms() {
        Map<String, List<long[]>> wanted = new LinkedHashMap<>();
        for (Extern e : spec.externs()) {
            if (e.kind() == Extern.Kind.KSYM && e.typeId() == 0) wanted.put(e.name(), new ArrayList<>());
        }
        byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/proc/kallsyms"));
        } catch (IOException x) {
            throw new BpfException("cannot read /proc/kallsyms for the ksyms of " + spec.file() + ": " + x.getMessage(), x);
        }
        int i = 0, n = all.length;
        while (i < n) {
            int eol = i;
            while (eol < n && all[eol] != '\n') eol++;
            // "ffffffff81000000 T _stext" or "... t name\t[module]"
            int sp1 = indexOf(all, (byte) ' ', i, eol), sp2 = sp1 < 0 ? -1 : indexOf(all, (byte) ' ', sp1 + 1, eol);
            if (sp2 > 0) {
                int end = sp2 + 1;
                while (end < eol && all[end] != '\t' && all[end] != ' ') end++;
                String name = new String(all, sp2 + 1, end - sp2 - 1, StandardCharsets.US_ASCII);
                char type = (char) all[sp1 + 1];
                int llvm = name.indexOf(".llvm.");
                List<long[]> hits = wanted.get(type == 'd' && llvm > 0 ? name.substring(0, llvm) : name);
                if (hits != null) hits.add(new long[] {Long.parseUnsignedLong(new String(all, i, sp1 - i,
                        StandardCharsets.US_ASCII), 16)});
            }
            i = eol + 1;
        }
        return wanted;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == c) return i;
        return -1;
    }

    private Value typeless(Extern e, Map<String, List<long[]>> kallsyms) {
        List<long[]> hits = kallsyms.get(e.name());
        if (hits.isEmpty()) return unset(e, "not found in /proc/kallsyms");
        long addr = hits.get(0)[0];
        for (long[] h : hits) {
            if (h[0] != addr) {
                throw error(e, "resolution is ambiguous: 0x" + Long.toHexString(addr) + " or 0x" + Long.toHexString(h[0]));
            }
        }
        if (addr == 0) throw error(e, "/proc/kallsyms shows address 0 (kernel.kptr_restrict; run as root)");
        return new Value(e, true, addr, 0, 0, 0, "= 0x" + Long.toHexString(addr) + " (/proc/kallsyms)");
    }

    /** A BTF id in vmlinux or a module's BTF; {@code module} null for vmlinux. */
    private record Found(Btf btf, int id, String module) {}

    private Found find(String name, BtfKind kind) {
        Btf vmlinux = Btf.kernel();
        int id = vmlinux.find(name, kind);
        if (id > 0) return new Found(vmlinux, id, null);
        for (String m : Btf.kernelModuleNames()) {
            Btf mod;
            try {
                mod = Btf.kernelModule(m);
            } catch (FeatureNotSupportedException x) {
                continue;
            }
            int mid = mod.find(name, kind);
            if (mid >= mod.firstId()) return new Found(mod, mid, m);
        }
        return null;
    }

    private Fd moduleFd(Extern e, String module) {
        Fd fd = Bpf.kernelBtf(module);
        if (fd == null) throw error(e, "found in module " + module + "'s BTF, but the kernel lists no BTF object named " + module);
        owned.add(fd);
        return fd;
    }

    private Value typedVar(Extern e) {
        Found f = find(e.name(), BtfKind.VAR);
        if (f == null) return unset(e, "not found in kernel BTF");
        int targetType = f.btf().sizeOrType(f.id());
        if (!CoreRelocator.typesCompatible(btf, e.typeId(), f.btf(), targetType)) {
            throw error(e, "incompatible types, expected [" + e.typeId() + "] " + btf.describe(e.typeId())
                    + ", but kernel has [" + targetType + "] " + f.btf().describe(targetType));
        }
        int objFd = f.module() == null ? 0 : moduleFd(e, f.module()).value();
        return new Value(e, true, 0, f.id(), objFd, 0, "-> [" + f.id() + "] VAR in "
                + (f.module() == null ? "vmlinux" : f.module()));
    }

    private Value kfunc(Extern e) {
        String name = e.name().substring(0, Btf.essentialNameLength(e.name()));
        Found f = find(name, BtfKind.FUNC);
        if (f == null) return unset(e, "not found in kernel or module BTFs");
        int proto = f.btf().sizeOrType(f.id());
        String where = f.module() == null ? "vmlinux" : f.module();
        if (!CoreRelocator.typesCompatible(btf, e.typeId(), f.btf(), proto)) {
            if (e.weak()) return unset(e, "func_proto incompatible with " + where + " [" + proto + "]");
            throw error(e, "func_proto [" + e.typeId() + "] incompatible with " + where + " [" + proto + "]");
        }
        int index = 0, objFd = 0;
        if (f.module() != null) {
            Integer known = fdIndexByModule.get(f.module());
            if (known == null) {
                Fd fd = moduleFd(e, f.module());
                known = fdArray.size();
                fdArray.add(fd.value());
                fdIndexByModule.put(f.module(), known);
            }
            index = known;
            objFd = fdArray.get(index);
        }
        return new Value(e, true, 0, f.id(), objFd, index, "-> " + where + " [" + f.id() + "] FUNC " + name
                + (index > 0 ? " (fd_array[" + index + "])" : ""));
    }
}
