package org.bpf4j;

import org.bpf4j.sys.Errno;

/**
 * The kernel's verifier rejected a program. The message names the program and its section, gives
 * the verifier's verdict and the source line of the failing instruction (from line_info), then
 * the full verifier log.
 */
public class VerifierException extends SyscallException {
    private static final long serialVersionUID = 1L;
    /** The program's name. */
    private final String program;
    /** The complete verifier log. */
    private final String log;
    /** The rejected instruction's source line, or null. */
    private final String sourceLine;
    /** The verifier's verdict, or null. */
    private final String verdict;

    /**
     * Creates the exception; the message is built from all the parts.
     *
     * @param program the program's name
     * @param section the program's ELF section
     * @param errno the errno of {@code BPF_PROG_LOAD}
     * @param verdict the verifier's last message, or null
     * @param sourceLine {@code file:line: source} of the rejected instruction, or null
     * @param log the full verifier log
     */
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

    /**
     * The program's name.
     *
     * @return the name
     */
    public String program() {
        return program;
    }

    /**
     * The complete verifier log.
     *
     * @return the log; empty or null if the kernel gave none
     */
    public String log() {
        return log;
    }

    /**
     * The verifier's last message (the reason), or null.
     *
     * @return the verdict, or null
     */
    public String verdict() {
        return verdict;
    }

    /**
     * {@code file:line: source} of the rejected instruction, or null when unknown.
     *
     * @return the source line, or null
     */
    public String sourceLine() {
        return sourceLine;
    }
}
