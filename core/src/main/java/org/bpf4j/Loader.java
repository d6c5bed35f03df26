package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfBuilder;
import org.bpf4j.btf.BtfSanitizer;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.LineInfo;
import org.bpf4j.core.CoreTargets;
import org.bpf4j.features.Environment;
import org.bpf4j.features.Features;
import org.bpf4j.sys.Bpf;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Errors;
import org.bpf4j.sys.Fd;
import org.bpf4j.sys.Native;
import org.bpf4j.sys.SysNr;

/**
 * Turns an {@link ObjectSpec} into a {@link BpfObject}: CO-RE relocation (pure), then BTF, maps
 * and programs in the kernel. All or nothing: on any failure every kernel object created so far
 * is closed (and every pin made is removed) before the exception leaves. Program loading is here;
 * linking is in {@link Linker}, the maps in {@link MapCreator}, the reading of verifier logs in
 * {@link VerifierLog}.
 */
final class Loader {
    private Loader() {}

    private static final int MAX_LOG = 1 << 30;

    static BpfObject load(ObjectSpec spec, LoadOptions opt) {
        return new Loader.Run(spec, opt).run();
    }

    private static final class Run {
        final ObjectSpec spec;
        final LoadOptions opt;
        final List<String> warnings = new ArrayList<>();
        final List<AutoCloseable> created = new ArrayList<>();
        final List<Path> pinned = new ArrayList<>();
        final Map<String, ProgramSpec> toLoad = new LinkedHashMap<>();
        final List<CoreRelocation> applied = new ArrayList<>();
        final List<AutoCloseable> transientFds = new ArrayList<>();
        Externs.Resolved externs = Externs.Resolved.NONE;
        Btf kernelBtf;
        final Linker linker;

        Run(ObjectSpec spec, LoadOptions opt) {
            this.spec = spec;
            this.opt = opt;
            this.linker = new Linker(spec);
        }

        BpfObject run() {
            if (opt.programs() != null) {
                for (String n : opt.programs()) toLoad.put(n, spec.program(n));
            } else {
                for (ProgramSpec p : spec.programs().values()) if (p.autoload()) toLoad.put(p.name(), p);
            }
            for (ProgramSpec p : toLoad.values()) {
                if (p.type() == ProgramType.UNSPEC) throw unknownType(p);
            }
            Set<Function> functions = linker.reachable(toLoad.values());
            boolean needsKernelBtf = false;
            for (ProgramSpec p : toLoad.values()) {
                needsKernelBtf |= (p.sectionDef().flags() & SectionDef.ATTACH_BTF) != 0;
            }
            // attach targets are in the running kernel's BTF, whatever BTF CO-RE resolves against
            if (needsKernelBtf) kernelBtf = Btf.kernel();
            // libbpf relocates every program it loads and every subprogram, called or not
            Predicate<Function> relocated = CoreApplier.included(spec, toLoad.keySet());
            CoreTargets targets = null;
            if (CoreApplier.needsTarget(spec, relocated)) {
                targets = opt.targetBtf() != null ? CoreTargets.of(opt.targetBtf()) : CoreTargets.runningKernel();
            }
            // pure work first: a CO-RE failure leaves nothing to clean up
            Map<Function, Instructions> code = CoreApplier.apply(spec, targets, relocated, functions, applied);
            try {
                externs = Externs.resolve(spec, opt, transientFds);
                Fd btfFd = loadBtf();
                MapCreator mapCreator = new MapCreator(spec, opt, externs, created, pinned, warnings);
                Map<String, BpfMap> maps = mapCreator.createMaps(btfFd);
                Map<String, BpfProgram> programs = new LinkedHashMap<>();
                for (ProgramSpec p : toLoad.values()) {
                    BpfProgram prog = loadProgram(p, code, maps, btfFd);
                    programs.put(p.name(), prog);
                }
                mapCreator.fillSlots(maps, programs);
                Map<String, GlobalData> globals = new LinkedHashMap<>();
                for (Map.Entry<String, GlobalData> e : spec.globals().entrySet()) {
                    BpfMap m = maps.get(e.getKey());
                    if (m == null || (m.flagBits() & MapSpec.F_MMAPABLE) == 0) continue;
                    boolean ro = m.spec().kind() == MapSpec.Kind.RODATA || m.spec().kind() == MapSpec.Kind.KCONFIG;
                    globals.put(e.getKey(), e.getValue().withMemory(m.memory(), !ro));
                }
                Usdt usdt = Usdt.of(spec, maps);
                if (usdt != null) for (BpfProgram p : programs.values()) p.usdt(usdt);
                return new BpfObject(spec, programs, maps, globals, btfFd, warnings);
            } catch (RuntimeException | Error e) {
                cleanUp(e);
                throw e;
            } finally {
                // module BTF fds in ld_imm64 and fd_array: the loaded programs hold their own references
                for (AutoCloseable c : transientFds) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // an fd of ours: closing it cannot fail in a way that matters here
                    }
                }
            }
        }

        private ObjectFileException unknownType(ProgramSpec p) {
            return new ObjectFileException(spec.file(), p.section(), "program '" + p.name()
                    + "': unknown section name '" + p.section() + "', so no program type; use one of libbpf's: "
                    + "tracepoint/<category>/<name>, tp/..., raw_tracepoint/<name>, raw_tp/..., tp_btf/<name>, "
                    + "kprobe/<function>, kretprobe/..., ksyscall/<syscall>, uprobe/..., uretprobe/..., usdt/..., "
                    + "perf_event, xdp, socket, tc, classifier, cgroup_skb/ingress, cgroup_skb/egress, fentry/..., "
                    + "fexit/..., lsm/..., syscall, ...; or set its type with ProgramSpec.type(...)");
        }

        private void cleanUp(Throwable cause) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    created.get(i).close();
                } catch (Exception suppressed) {
                    cause.addSuppressed(suppressed);
                }
            }
            for (Path p : pinned) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException suppressed) {
                    cause.addSuppressed(suppressed);
                }
            }
        }

        private <T extends AutoCloseable> T own(T c) {
            created.add(c);
            return c;
        }

        // ------------------------------------------------------------------ BTF

        private Fd loadBtf() {
            Btf btf = spec.btf();
            if (btf == null) return null;
            BtfBuilder fixed;
            try {
                fixed = BtfFixup.forKernel(spec);
            } catch (RuntimeException e) {
                warnings.add("object BTF not loaded: " + e.getMessage());
                return null;
            }
            long r = btfLoad(fixed.build(), null);
            if (r >= 0) return own(new Fd((int) r));
            if (r == -Errno.EPERM) throw Errors.of("BPF_BTF_LOAD", Errno.EPERM, "the BTF of " + spec.file());
            // an older kernel: find what it lacks (as libbpf probes) and strip it, then retry
            Set<BtfSanitizer.Missing> missing = java.util.EnumSet.noneOf(BtfSanitizer.Missing.class);
            for (BtfSanitizer.Missing m : BtfSanitizer.Missing.values()) if (!Features.btf(m)) missing.add(m);
            if (!missing.isEmpty()) {
                BtfSanitizer.apply(fixed, missing);
                long r2 = btfLoad(fixed.build(), null);
                if (r2 >= 0) {
                    warnings.add("object BTF sanitized for this kernel, which lacks BTF " + missing);
                    return own(new Fd((int) r2));
                }
            }
            String[] log = new String[1];
            btfLoad(fixed.build(), log);
            warnings.add("the kernel refused the object's BTF (" + Errno.name((int) -r) + "), loading without it: "
                    + VerifierLog.lastLine(log[0]));
            return null;
        }

        /** BPF_BTF_LOAD of {@code raw}; with {@code log}, the kernel's log comes back in {@code log[0]}. */
        private static long btfLoad(byte[] raw, String[] log) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(raw.length, 8);
                MemorySegment.copy(raw, 0, data, JAVA_BYTE, 0, raw.length);
                MemorySegment buf = log == null ? null : arena.allocate(1 << 20);
                long r = Bpf.btfLoadRaw(data, buf, log == null ? 0 : 1);
                if (log != null) {
                    log[0] = VerifierLog.cString(buf);
                    if (r >= 0) Native.call(SysNr.CLOSE, r);
                }
                return r;
            }
        }

        // ------------------------------------------------------------------ programs

        /** Where a program attaches: a type id in the kernel's BTF, or in a module's (whose BTF object fd goes along). */
        private record BtfTarget(int id, Fd moduleBtf, String where) {}

        private BtfTarget attachBtfTarget(ProgramSpec p) {
            if ((p.sectionDef().flags() & SectionDef.ATTACH_BTF) == 0) return new BtfTarget(0, null, null);
            String target = p.attachTarget();
            if (target.isEmpty()) {
                throw new BpfException("program '" + p.name() + "': section " + p.section() + " names no attach target");
            }
            // libbpf's "module:function" names the module whose BTF holds the target
            String module = null;
            int colon = target.indexOf(':');
            if (colon > 0) {
                module = target.substring(0, colon);
                target = target.substring(colon + 1);
            }
            String name;
            BtfKind kind;
            if (p.type() == ProgramType.LSM) {
                name = "bpf_lsm_" + target;
                kind = BtfKind.FUNC;
            } else if (p.attachType() == AttachType.TRACE_RAW_TP) {
                name = "btf_trace_" + target;
                kind = BtfKind.TYPEDEF;
            } else if (p.attachType() == AttachType.TRACE_ITER) {
                name = "bpf_iter_" + target;
                kind = BtfKind.FUNC;
            } else {
                name = target;
                kind = BtfKind.FUNC;
            }
            if (module == null || module.equals("vmlinux")) {
                int id = kernelBtf.find(name, kind);
                if (id > 0) return new BtfTarget(id, null, "vmlinux");
            }
            // kernel modules: only when resolving against the running kernel, whose modules are loaded
            List<String> searched = new ArrayList<>();
            if ((module == null || !module.equals("vmlinux")) && opt.targetBtf() == null) {
                for (String m : module != null ? List.of(module) : Btf.kernelModuleNames()) {
                    Btf mod;
                    try {
                        mod = Btf.kernelModule(m);
                    } catch (FeatureNotSupportedException e) {
                        if (module != null) throw new BpfException("program '" + p.name() + "': " + e.getMessage(), e);
                        continue;
                    }
                    searched.add(m);
                    int id = mod.find(name, kind);
                    if (id < mod.firstId()) continue; // in vmlinux, already searched
                    Fd fd = Bpf.kernelBtf(m);
                    if (fd == null) {
                        throw new BpfException("program '" + p.name() + "': " + kind + " '" + name + "' is in module " + m
                                + "'s BTF, but the kernel lists no BTF object named " + m);
                    }
                    return new BtfTarget(id, fd, m);
                }
            }
            throw new BpfException("program '" + p.name() + "': no " + kind + " '" + name + "' in the kernel BTF ("
                    + kernelBtf.origin() + ")" + (searched.isEmpty() ? "" : " or the BTF of modules " + String.join(", ", searched))
                    + ": cannot attach to " + p.attachTarget());
        }

        /** The attach kinds that run from BPF trampolines, by attach type; null for others. */
        private static String trampolineKind(ProgramSpec p) {
            if (p.attachType() == null) return null;
            return switch (p.attachType()) {
                case TRACE_FENTRY -> "fentry";
                case TRACE_FEXIT -> "fexit";
                case MODIFY_RETURN -> "fmod_ret";
                case LSM_MAC -> "lsm";
                default -> null;
            };
        }

        private BpfProgram loadProgram(ProgramSpec p, Map<Function, Instructions> code, Map<String, BpfMap> maps,
                                       Fd btfFd) {
            List<BpfMap> mapList = new ArrayList<>(maps.values());
            Linker.Linked linked = linker.new Linked(p.function(), code, mapList, externs);
            BtfTarget attach = attachBtfTarget(p);
            try {
                BpfProgram prog = loadProgram(p, linked, attach, btfFd);
                prog.resolutions(resolutions(p, linked));
                return prog;
            } finally {
                if (attach.moduleBtf() != null) attach.moduleBtf().close();
            }
        }

        /** What {@code prog load -v} explains: each extern the program uses, and the sites of its USDT section. */
        private List<String> resolutions(ProgramSpec p, Linker.Linked linked) {
            List<String> out = new ArrayList<>();
            for (int i : linked.externsUsed) {
                Externs.Value v = externs.get(i);
                Extern e = v.extern();
                out.add(e.describe(spec.btf()) + (e.weak() ? " (weak)" : "") + " " + (v.set() ? v.how()
                        : "unresolved: " + v.how() + (e.kind() == Extern.Kind.KSYM && e.func(spec.btf())
                        ? "; calls to it must be dead code" : "; reads as 0")));
            }
            if (p.sectionDef().autoAttach() == SectionDef.AutoAttach.USDT && !p.attachTarget().isEmpty()) {
                String[] f = p.attachTarget().split(":", -1);
                if (f.length == 3) {
                    try {
                        out.addAll(Usdt.describe(org.bpf4j.link.Binaries.resolve(f[0]), f[1], f[2]));
                    } catch (BpfException e) {
                        out.add("usdt " + p.attachTarget() + ": " + e.getMessage());
                    }
                }
            }
            return out;
        }

        /** The module BTF fds kfunc calls index ({@code insn.off}), or null. */
        private MemorySegment fdArray(Arena arena) {
            int[] fds = externs.fdArray();
            if (fds.length == 0) return null;
            MemorySegment a = arena.allocate(4L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) a.set(JAVA_INT, 4L * i, fds[i]);
            return a;
        }

        private BpfProgram loadProgram(ProgramSpec p, Linker.Linked linked, BtfTarget attach, Fd btfFd) {
            int attachBtfId = attach.id();
            String license = spec.license() == null ? "" : spec.license();
            boolean btfInfo = btfFd != null && linked.completeFuncInfo;
            try (Arena arena = Arena.ofConfined()) {
                byte[] bytes = linked.insns.toBytes();
                MemorySegment insns = arena.allocate(bytes.length, 8);
                MemorySegment.copy(bytes, 0, insns, JAVA_BYTE, 0, bytes.length);
                MemorySegment lic = arena.allocateFrom(license);
                MemorySegment funcInfo = null, lineInfo = null;
                if (btfInfo) {
                    funcInfo = arena.allocate(8L * Math.max(1, linked.funcInfos.size()), 8);
                    for (int i = 0; i < linked.funcInfos.size(); i++) {
                        funcInfo.set(JAVA_INT, 8L * i, linked.funcInfos.get(i).insnOffset());
                        funcInfo.set(JAVA_INT, 8L * i + 4, linked.funcInfos.get(i).typeId());
                    }
                    lineInfo = arena.allocate(16L * Math.max(1, linked.lineInfos.size()), 8);
                    for (int i = 0; i < linked.lineInfos.size(); i++) {
                        LineInfo li = linked.lineInfos.get(i);
                        lineInfo.set(JAVA_INT, 16L * i, li.insnOffset());
                        lineInfo.set(JAVA_INT, 16L * i + 4, li.fileNameOffset());
                        lineInfo.set(JAVA_INT, 16L * i + 8, li.lineOffset());
                        lineInfo.set(JAVA_INT, 16L * i + 12, li.lineCol());
                    }
                }
                int expected = p.attachType() == null ? 0 : p.attachType().code();
                Bpf.ProgLoad attr = new Bpf.ProgLoad(p.type().code(), insns, linked.insns.count(), license, p.name(),
                        expected, p.flags(), spec.kernelVersion(), btfInfo ? btfFd.value() : 0,
                        funcInfo, 8, btfInfo ? linked.funcInfos.size() : 0, lineInfo, 16,
                        btfInfo ? linked.lineInfos.size() : 0, attachBtfId,
                        attach.moduleBtf() == null ? 0 : attach.moduleBtf().value(), 0, 0, fdArray(arena));
                MemorySegment log = null;
                int level = opt.logLevel();
                if (level > 0) log = arena.allocate(opt.logSize());
                long r = Bpf.progLoadRaw(attr, lic, log, level, null);
                if (r == -Errno.ENOSPC && log != null) {
                    log = null; // the requested log did not fit: the retry below sizes it
                }
                if (r >= 0) return own(new BpfProgram(p, own(new Fd((int) r))));
                int errno = (int) -r;
                if (errno == Errno.EPERM) {
                    String kind = trampolineKind(p);
                    if (kind != null && Environment.missingCapabilities().isEmpty()) {
                        // privileged and still refused before verification: the kernel will not run trampolines
                        throw FeatureNotSupportedException.withMessage(kind, kind + " programs are refused by this kernel "
                                + "(program '" + p.name() + "', section " + p.section() + "): "
                                + Environment.trampolineRefusal(kind, null));
                    }
                    throw Errors.ofProgLoad(p.type(), errno, "program '" + p.name() + "'");
                }
                // retry with a verifier log, growing it until the whole log fits
                int size = Math.max(opt.logSize(), 1 << 16);
                int[] trueSize = new int[1];
                String text = "";
                while (true) {
                    try (Arena logArena = Arena.ofConfined()) {
                        MemorySegment buf = logArena.allocate(size);
                        long r2 = Bpf.progLoadRaw(attr, lic, buf, Math.max(level, 1), trueSize);
                        if (r2 >= 0) {
                            warnings.add("program '" + p.name() + "' loaded only on the second attempt");
                            return own(new BpfProgram(p, own(new Fd((int) r2))));
                        }
                        text = VerifierLog.cString(buf);
                        errno = (int) -r2;
                        if (errno == Errno.ENOSPC && size < MAX_LOG) {
                            size = trueSize[0] > size ? trueSize[0] + 1 : Math.min(MAX_LOG, size * 4);
                            continue;
                        }
                    }
                    break;
                }
                throw VerifierLog.programError(spec, p, errno, text, linked, applied);
            }
        }

    }
}
