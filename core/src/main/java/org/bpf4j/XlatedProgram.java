package org.bpf4j;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfInfo;
import org.bpf4j.sys.Bpf;

/**
 * A loaded program's instructions as the verifier left them ({@code xlated_prog_insns}), with
 * the BTF function and source-line records the kernel keeps for them: what
 * {@code bpftool prog dump xlated} prints. Map references read {@code map[id:N]}: the kernel
 * puts map ids where the loader had file descriptors; helper calls hold the helper's address
 * relative to the kernel's {@code __bpf_call_base}.
 *
 * @param instructions the verified instructions
 * @param funcs      the BTF function records, by instruction index
 * @param lines      the source-line records, by instruction index
 * @param btf        the program's BTF (for function prototypes and source lines), null if none
 * @param jitedKsyms kernel addresses of the program's JIT-compiled functions (main program
 *                   first), empty if not JIT-compiled; bpf-to-bpf calls index them
 */
public record XlatedProgram(Instructions instructions, List<Func> funcs, List<Line> lines, Btf btf,
                            List<Long> jitedKsyms) {

    /** Copies the lists; none may be null. */
    public XlatedProgram {
        funcs = List.copyOf(funcs);
        lines = List.copyOf(lines);
        jitedKsyms = List.copyOf(jitedKsyms);
    }

    /**
     * A function (BTF FUNC {@code typeId}) starts at instruction {@code insn}.
     *
     * @param insn   the index of the function's first instruction
     * @param typeId the id of its {@code FUNC} type in {@link XlatedProgram#btf()}
     */
    public record Func(int insn, int typeId) {}

    /**
     * Instructions from {@code insn} on come from source line {@code lineNumber} of {@code file}.
     *
     * @param insn       the index of the first instruction of the line
     * @param file       the source file's name, as compiled
     * @param text       the line's source text
     * @param lineNumber the line number, from 1
     * @param column     the column, from 1 (0 if unknown)
     */
    public record Line(int insn, String file, String text, int lineNumber, int column) {}

    private static final int FUNC_INFO_SIZE = 8, LINE_INFO_SIZE = 16;

    static XlatedProgram of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Bpf.PROG_INFO_SIZE, 8);
            Bpf.objGetInfo(fd, info);
            int xlatedLen = info.get(JAVA_INT, Bpf.PROG_INFO_XLATED_PROG_LEN);
            int nrFunc = info.get(JAVA_INT, Bpf.PROG_INFO_NR_FUNC_INFO);
            int nrLine = info.get(JAVA_INT, Bpf.PROG_INFO_NR_LINE_INFO);
            int nrKsyms = info.get(JAVA_INT, Bpf.PROG_INFO_NR_JITED_KSYMS);
            int btfId = info.get(JAVA_INT, Bpf.PROG_INFO_BTF_ID);
            MemorySegment insns = arena.allocate(Math.max(xlatedLen, 8), 8);
            MemorySegment funcs = arena.allocate((long) Math.max(nrFunc, 1) * FUNC_INFO_SIZE, 8);
            MemorySegment lines = arena.allocate((long) Math.max(nrLine, 1) * LINE_INFO_SIZE, 8);
            MemorySegment ksyms = arena.allocate((long) Math.max(nrKsyms, 1) * 8, 8);
            info.fill((byte) 0);
            info.set(JAVA_INT, Bpf.PROG_INFO_XLATED_PROG_LEN, xlatedLen);
            info.set(JAVA_LONG, Bpf.PROG_INFO_XLATED_PROG_INSNS, insns.address());
            if (nrFunc > 0) {
                info.set(JAVA_INT, Bpf.PROG_INFO_NR_FUNC_INFO, nrFunc);
                info.set(JAVA_INT, Bpf.PROG_INFO_FUNC_INFO_REC_SIZE, FUNC_INFO_SIZE);
                info.set(JAVA_LONG, Bpf.PROG_INFO_FUNC_INFO, funcs.address());
            }
            if (nrLine > 0) {
                info.set(JAVA_INT, Bpf.PROG_INFO_NR_LINE_INFO, nrLine);
                info.set(JAVA_INT, Bpf.PROG_INFO_LINE_INFO_REC_SIZE, LINE_INFO_SIZE);
                info.set(JAVA_LONG, Bpf.PROG_INFO_LINE_INFO, lines.address());
            }
            if (nrKsyms > 0) {
                info.set(JAVA_INT, Bpf.PROG_INFO_NR_JITED_KSYMS, nrKsyms);
                info.set(JAVA_LONG, Bpf.PROG_INFO_JITED_KSYMS, ksyms.address());
            }
            Bpf.objGetInfo(fd, info);
            int len = Math.min(xlatedLen, info.get(JAVA_INT, Bpf.PROG_INFO_XLATED_PROG_LEN));
            if (len == 0 && xlatedLen > 0) {
                throw new BpfException("the kernel shows no instructions of program id " + info.get(JAVA_INT, Bpf.PROG_INFO_ID)
                        + " (kernel.kptr_restrict, or no CAP_SYS_ADMIN)");
            }
            Instructions in = new Instructions(insns.asSlice(0, len).toArray(JAVA_BYTE));
            Btf btf = btfId != 0 ? BtfInfo.load(btfId) : null;
            List<Func> fl = new ArrayList<>();
            for (int i = 0; i < nrFunc; i++) {
                fl.add(new Func(funcs.get(JAVA_INT, i * 8L), funcs.get(JAVA_INT, i * 8L + 4)));
            }
            List<Line> ll = new ArrayList<>();
            for (int i = 0; i < nrLine && btf != null; i++) {
                long o = (long) i * LINE_INFO_SIZE;
                int col = lines.get(JAVA_INT, o + 12);
                ll.add(new Line(lines.get(JAVA_INT, o), btf.string(lines.get(JAVA_INT, o + 4)),
                        btf.string(lines.get(JAVA_INT, o + 8)), col >>> 10, col & 0x3ff));
            }
            List<Long> kl = new ArrayList<>();
            for (int i = 0; i < nrKsyms; i++) kl.add(ksyms.getAtIndex(JAVA_LONG, i));
            return new XlatedProgram(in, fl, ll, btf, kl);
        }
    }
}
