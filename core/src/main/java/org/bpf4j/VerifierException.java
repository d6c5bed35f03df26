package org.bpf4j;

import org.bpf4j.sys.Errno;

/**
 * The kernel's verifier rejected a program. The message names the program and its section, gives
 * the verifier's verdict and the source line of the failing instruction (from line_info), then
 * the full verifier log.
 */
public class VerifierException extends SyscallException {
    private static final long serialVersionUID = 1L;
    private final String program;
    private final String log;
    private final String sourceLine;
    private final String verdict;

    public VerifierException(String program, String section, int errno, String verdict, String sourceLine,
                             String log) {
        super("BPF_PROG_LOAD", errno, format(program, section, errno, verdict, sourceLine, log), true);
        this.program = program;
        this.log = log;
        this.sourceLine = sourceLine;
        this.verdict = verdict;
    }

    private static String format(String program, String section, int errno, String verdict, String sourceLine,
                                 String log) {
        StringBuilder sb = new StringBuilder();
        sb.append("program '").append(program).append("' (section ").append(section)
                .append(") rejected by the verifier: BPF_PROG_LOAD: ").append(Errno.name(errno))
                .append(" (").append(errno).append(')');
        if (verdict != null && !verdict.isEmpty()) sb.append("\n  ").append(verdict);
        if (verdict != null && verdict.contains("for !root")) {
            // the kernel's "!root" here is !perfmon_capable(): pointer leaks and speculation checks
            sb.append("\n  the verifier allows this only with CAP_PERFMON: run as root or grant CAP_PERFMON");
        }
        if (sourceLine != null) sb.append("\n  at ").append(sourceLine);
        if (log != null && !log.isEmpty()) {
            sb.append("\n--- verifier log ---\n").append(log.strip()).append("\n--- end of verifier log ---");
        }
        return sb.toString();
    }

    /** The program's name. */
    public String program() {
        return program;
    }

    /** The complete verifier log. */
    public String log() {
        return log;
    }

    /** The verifier's last message (the reason), or null. */
    public String verdict() {
        return verdict;
    }

    /** {@code file:line: source} of the rejected instruction, or null when unknown. */
    public String sourceLine() {
        return sourceLine;
    }
}
