package org.bpf4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.UsdtNote;
import org.bpf4j.features.Features;
import org.bpf4j.link.Binaries;
import org.bpf4j.link.UprobeLink;
import org.bpf4j.link.UsdtLink;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Os;
import org.bpf4j.sys.SysNr;

/**
 * USDT attachment compatible with libbpf's {@code <bpf/usdt.bpf.h>} (libbpf's usdt.c is the
 * oracle): the probe sites from the binary's {@code .note.stapsdt}, one uprobe each (semaphores
 * counted by the kernel through {@code ref_ctr_offset}), each argument spec parsed into a
 * {@code struct __bpf_usdt_spec} written to the object's {@code __bpf_usdt_specs} map at a spec
 * id the uprobe carries as BPF cookie; on kernels without cookies the spec id is found by IP in
 * {@code __bpf_usdt_ip_to_spec_id}. One manager per loaded object hands out the spec ids.
 */
final class Usdt {
    static final String SPECS_MAP = "__bpf_usdt_specs", IP_MAP = "__bpf_usdt_ip_to_spec_id";

    /** {@code enum __bpf_usdt_arg_type}. */
    static final int ARG_CONST = 0, ARG_REG = 1, ARG_REG_DEREF = 2, ARG_SIB = 3;
    static final int MAX_ARGS = 12, ARG_SPEC_SIZE = 16, SPEC_SIZE = MAX_ARGS * ARG_SPEC_SIZE + 16;

    /** One argument's location: {@code struct __bpf_usdt_arg_spec}. */
    record Arg(int type, long valOff, int regOff, int idxRegOff, int scaleShift, boolean signed, int bitshift) {}

    private final BpfMap specs;
    private final BpfMap ips;
    private final boolean sib;
    private int nextId;
    private final Deque<Integer> free = new ArrayDeque<>();

    private Usdt(BpfMap specs, BpfMap ips, boolean sib) {
        this.specs = specs;
        this.ips = ips;
        this.sib = sib;
    }

    /** The manager of an object that includes usdt.bpf.h, or null for one that does not. */
    static Usdt of(ObjectSpec spec, Map<String, BpfMap> maps) {
        BpfMap specs = maps.get(SPECS_MAP), ips = maps.get(IP_MAP);
        if (specs == null || ips == null) return null;
        boolean sib = false;
        Btf btf = spec.btf();
        int e = btf == null ? -1 : btf.find("__bpf_usdt_arg_type", BtfKind.ENUM);
        if (e > 0 && btf.type(e) instanceof BtfType.Enum en) sib = en.value("BPF_USDT_ARG_SIB") != null;
        return new Usdt(specs, ips, sib);
    }

    // ------------------------------------------------------------------------- argument specs

    /** x86_64 registers by every name usdt specs use, to their offset in {@code struct pt_regs}. */
    private static final Map<String, Integer> X86_REGS = new LinkedHashMap<>();

    static {
        String[][] names = {
            {"rip", "eip", "", ""}, {"rax", "eax", "ax", "al"}, {"rbx", "ebx", "bx", "bl"}, {"rcx", "ecx", "cx", "cl"},
            {"rdx", "edx", "dx", "dl"}, {"rsi", "esi", "si", "sil"}, {"rdi", "edi", "di", "dil"},
            {"rbp", "ebp", "bp", "bpl"}, {"rsp", "esp", "sp", "spl"}, {"r8", "r8d", "r8w", "r8b"},
            {"r9", "r9d", "r9w", "r9b"}, {"r10", "r10d", "r10w", "r10b"}, {"r11", "r11d", "r11w", "r11b"},
            {"r12", "r12d", "r12w", "r12b"}, {"r13", "r13d", "r13w", "r13b"}, {"r14", "r14d", "r14w", "r14b"},
            {"r15", "r15d", "r15w", "r15b"}};
        // offsetof(struct pt_regs, ...) on x86_64
        int[] offsets = {128, 80, 40, 88, 96, 104, 112, 32, 152, 72, 64, 56, 48, 24, 16, 8, 0};
        for (int i = 0; i < names.length; i++) {
            for (String n : names[i]) if (!n.isEmpty()) X86_REGS.put(n, offsets[i]);
        }
    }

    private static final String SP = "\\s*";
    private static final String NUM = "(-?\\d+)";
    private static final String REG = "%([^,)\\s]{1,15})";
    private static final Pattern SIB = Pattern.compile(SP + NUM + SP + "@" + SP + "(-?\\d+)?" + SP + "\\(" + SP + REG
            + SP + "," + SP + REG + SP + "(?:," + SP + "(\\d+)" + SP + ")?\\)" + SP);
    private static final Pattern DEREF = Pattern.compile(SP + NUM + SP + "@" + SP + "(-?\\d+)?" + SP + "\\(" + SP + REG
            + SP + "\\)" + SP);
    private static final Pattern REG_ARG = Pattern.compile(SP + NUM + SP + "@" + SP + "%(\\S{1,15})" + SP);
    private static final Pattern CONST = Pattern.compile(SP + NUM + SP + "@" + SP + "\\$(-?\\d+)" + SP);

    /** libbpf's parse_usdt_spec with the x86_64 parse_usdt_arg. */
    static List<Arg> parseArgs(String args, String what, boolean sibSupported) {
        if (!SysNr.X86_64) {
            throw new FeatureNotSupportedException("USDT argument specs on " + System.getProperty("os.arch"),
                    what + ": bpf4j parses x86_64 USDT argument specs only");
        }
        List<Arg> out = new ArrayList<>();
        int pos = 0;
        while (pos < args.length()) {
            if (out.size() >= MAX_ARGS) {
                throw new BpfException(what + ": too many USDT arguments (> " + MAX_ARGS + ") in '" + args + "'");
            }
            String rest = args.substring(pos);
            int n = out.size();
            Matcher m;
            int size, type, regOff = 0, idxRegOff = 0, scaleShift = 0;
            long off = 0;
            if ((m = SIB.matcher(rest)).lookingAt()) {
                if (!sibSupported) {
                    throw new BpfException(what + ": argument #" + n + " '" + rest.strip() + "' is a scale-index-base "
                            + "address, which needs the usdt.bpf.h of libbpf 1.7+ (BPF_USDT_ARG_SIB)");
                }
                type = ARG_SIB;
                size = Integer.parseInt(m.group(1));
                off = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                regOff = reg(m.group(3), what);
                idxRegOff = reg(m.group(4), what);
                int scale = m.group(5) == null ? 1 : Integer.parseInt(m.group(5));
                scaleShift = switch (scale) {
                    case 1 -> 0;
                    case 2 -> 1;
                    case 4 -> 2;
                    case 8 -> 3;
                    default -> throw new BpfException(what + ": invalid SIB scale " + scale + ", expected 1, 2, 4, 8");
                };
            } else if ((m = DEREF.matcher(rest)).lookingAt()) {
                type = ARG_REG_DEREF;
                size = Integer.parseInt(m.group(1));
                off = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                regOff = reg(m.group(3), what);
            } else if ((m = REG_ARG.matcher(rest)).lookingAt()) {
                type = ARG_REG;
                size = Integer.parseInt(m.group(1));
                regOff = reg(m.group(2), what);
            } else if ((m = CONST.matcher(rest)).lookingAt()) {
                type = ARG_CONST;
                size = Integer.parseInt(m.group(1));
                off = Long.parseLong(m.group(2));
            } else {
                throw new BpfException(what + ": unrecognized USDT argument #" + n + " spec '" + rest.strip() + "'");
            }
            boolean signed = size < 0;
            int abs = Math.abs(size);
            if (abs != 1 && abs != 2 && abs != 4 && abs != 8) {
                throw new BpfException(what + ": unsupported USDT argument #" + n + " size " + size + " in '" + args + "'");
            }
            out.add(new Arg(type, off, regOff, idxRegOff, scaleShift, signed, 64 - abs * 8));
            pos += m.end();
        }
        return out;
    }

    private static int reg(String name, String what) {
        Integer off = X86_REGS.get(name);
        if (off == null) throw new BpfException(what + ": unrecognized register '%" + name + "' in a USDT argument spec");
        return off;
    }

    /** {@code struct __bpf_usdt_spec}: the arguments, the user's cookie and the argument count. */
    static byte[] specBytes(List<Arg> args, long cookie) {
        byte[] b = new byte[SPEC_SIZE];
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            int o = i * ARG_SPEC_SIZE;
            put(b, o, 8, a.valOff());
            // arg_type: 8 bits, then idx_reg_off: 12 bits and scale_bitshift: 4 bits (libbpf 1.7+)
            put(b, o + 8, 4, (a.type() & 0xff) | (a.idxRegOff() & 0xfff) << 8 | (a.scaleShift() & 0xf) << 20);
            put(b, o + 12, 2, a.regOff());
            b[o + 14] = (byte) (a.signed() ? 1 : 0);
            b[o + 15] = (byte) a.bitshift();
        }
        put(b, MAX_ARGS * ARG_SPEC_SIZE, 8, cookie);
        put(b, MAX_ARGS * ARG_SPEC_SIZE + 8, 2, args.size());
        return b;
    }

    private static void put(byte[] b, int off, int size, long v) {
        for (int i = 0; i < size; i++) b[off + i] = (byte) (v >>> (8 * i));
    }

    // ---------------------------------------------------------------------------------- attach

    private static final Path REF_CTR_FORMAT = Path.of("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset");
    private static final int HELPER_GET_ATTACH_COOKIE = 174;

    /**
     * libbpf's usdt_manager_attach_usdt: every site of {@code provider:name} in {@code binary}
     * gets a uprobe (only in process {@code pid}, or in every process for -1; 0 is this process),
     * with the site's argument spec, carrying {@code cookie} for {@code bpf_usdt_cookie()}.
     */
    synchronized UsdtLink attach(BpfProgram prog, int pid, String binary, String provider, String name, long cookie) {
        if (pid == 0) pid = Os.getpid();
        if (pid < 0) pid = -1;
        String what = prog + ": usdt " + binary + ":" + provider + ":" + name;
        if (pid > 0 && !Files.exists(Path.of("/proc/" + pid))) throw new BpfException(what + ": no process " + pid);
        Path path = Binaries.resolve(binary);
        Notes notes = notes(path);
        if (notes.type() != ElfFile.ET_EXEC && notes.type() != ElfFile.ET_DYN) {
            throw new BpfException(what + ": " + path + " is neither an executable nor a shared library");
        }
        List<UsdtNote> sites = new ArrayList<>();
        for (UsdtNote n : notes.all()) if (n.provider().equals(provider) && n.name().equals(name)) sites.add(n);
        if (sites.isEmpty()) {
            throw new BpfException(what + ": " + path + " has no USDT probe " + provider + ":" + name
                    + (notes.all().isEmpty() ? " (no USDT notes in " + UsdtNote.SECTION + ")" : ""));
        }
        boolean cookies = Features.helper(ProgramType.TRACEPOINT, HELPER_GET_ATTACH_COOKIE);
        for (UsdtNote n : sites) {
            if (n.semaphore() != 0 && !Files.exists(REF_CTR_FORMAT)) {
                throw new FeatureNotSupportedException("USDT semaphores", what + " has a semaphore, which needs the "
                        + "kernel's uprobe reference counters (Linux 4.20+, " + REF_CTR_FORMAT + ")");
            }
            if (!cookies && notes.type() == ElfFile.ET_DYN && pid < 0) {
                throw new FeatureNotSupportedException("BPF cookies", what + ": a shared library's USDT in every "
                        + "process needs BPF cookies (Linux 5.15+); give a pid");
            }
        }
        // spec ids: one per distinct argument spec of this link, never shared between links
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Long> ipKeys = new ArrayList<>();
        List<UprobeLink> uprobes = new ArrayList<>();
        Runnable release = () -> release(ids, ipKeys);
        try {
            for (UsdtNote n : sites) {
                Integer id = ids.get(n.args());
                if (id == null) {
                    List<Arg> args = parseArgs(n.args(), what, sib);
                    id = allocate(what);
                    ids.put(n.args(), id);
                    specs.update(intKey(id), specBytes(args, cookie), Bpf.ANY);
                }
                if (!cookies) {
                    long ip = notes.type() == ElfFile.ET_EXEC ? n.absoluteAddress() : runtimeAddress(pid, path, n, what);
                    byte[] key = longKey(ip);
                    if (ips.lookup(key) != null) throw new BpfException(what + ": IP collision at 0x" + Long.toHexString(ip));
                    ips.update(key, intKey(id), Bpf.ANY);
                    ipKeys.add(ip);
                }
                uprobes.add(prog.attachUprobe(UprobeLink.Options.atOffset(path.toString(), n.fileOffset()).pid(pid)
                        .refCtrOffset(n.semaphoreOffset()).cookie(cookies ? id : 0)));
            }
        } catch (RuntimeException e) {
            for (UprobeLink u : uprobes) {
                try {
                    u.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            release.run();
            throw e;
        }
        return new UsdtLink("usdt " + path + ":" + provider + ":" + name + (pid > 0 ? " in pid " + pid : ""), uprobes,
                release);
    }

    /** A binary's ELF type and USDT notes. */
    private record Notes(int type, List<UsdtNote> all) {}

    /** Parsed binaries by real path, size and modification time: libjvm.so is 20+ MB to read. */
    private static final Map<String, Notes> NOTES = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Notes> e) {
                    return size() > 8;
                }
            });

    private static Notes notes(Path path) {
        String key;
        try {
            key = path.toRealPath() + "\0" + Files.size(path) + "\0" + Files.getLastModifiedTime(path).toMillis();
        } catch (java.io.IOException e) {
            throw new BpfException("cannot read " + path + ": " + e.getMessage(), e);
        }
        Notes n = NOTES.get(key);
        if (n == null) {
            // the notes, their base section and the headers: not the rest of a 23 MB libjvm.so
            ElfFile elf = ElfFile.readSections(path, java.util.Set.of(UsdtNote.SECTION, ".stapsdt.base"));
            n = new Notes(elf.type(), List.copyOf(UsdtNote.all(elf)));
            NOTES.put(key, n);
        }
        return n;
    }

    private int allocate(String what) {
        if (!free.isEmpty()) return free.pop();
        if (nextId >= specs.maxEntries()) {
            throw new BpfException(what + ": no free USDT spec id (" + SPECS_MAP + " has " + specs.maxEntries()
                    + " entries; define BPF_USDT_MAX_SPEC_CNT larger)");
        }
        return nextId++;
    }

    private synchronized void release(Map<String, Integer> ids, List<Long> ipKeys) {
        for (long ip : ipKeys) {
            try {
                ips.delete(longKey(ip));
            } catch (RuntimeException ignored) {
                // the object is closing or the entry is gone: nothing more to free
            }
        }
        ipKeys.clear();
        for (int id : ids.values()) free.push(id);
        ids.clear();
    }

    /** The address of a shared library's site in process {@code pid}, from /proc/PID/maps (libbpf's parse_vma_segs). */
    private static long runtimeAddress(int pid, Path lib, UsdtNote n, String what) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/" + pid + "/maps"));
        } catch (java.io.IOException e) {
            throw new BpfException(what + ": cannot read /proc/" + pid + "/maps: " + e.getMessage(), e);
        }
        String real;
        try {
            real = lib.toRealPath().toString();
        } catch (java.io.IOException e) {
            real = lib.toString();
        }
        for (String l : lines) {
            String[] f = l.trim().split("\\s+", 6);
            if (f.length < 6 || !f[5].equals(real) || f[1].indexOf('x') < 0) continue;
            String[] range = f[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16), end = Long.parseUnsignedLong(range[1], 16);
            long off = Long.parseUnsignedLong(f[2], 16);
            if (n.fileOffset() >= off && n.fileOffset() < off + (end - start)) return start - off + n.fileOffset();
        }
        throw new BpfException(what + ": process " + pid + " does not map " + real + " where the probe lies");
    }

    private static byte[] intKey(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] longKey(long v) {
        byte[] b = new byte[8];
        put(b, 0, 8, v);
        return b;
    }

    /** What {@code prog load -v} says of a probe's sites: one line each. */
    static List<String> describe(Path path, String provider, String name) {
        List<String> out = new ArrayList<>();
        for (UsdtNote n : notes(path).all()) {
            if (!n.provider().equals(provider) || !n.name().equals(name)) continue;
            out.add("usdt " + provider + ":" + name + " at 0x" + Long.toHexString(n.absoluteAddress()) + " (file offset 0x"
                    + Long.toHexString(n.fileOffset()) + ")" + (n.semaphore() != 0 ? " semaphore at file offset 0x"
                    + Long.toHexString(n.semaphoreOffset()) : "") + ", args '" + n.args() + "'");
        }
        return out;
    }
}
