package org.bpf4j;

import org.bpf4j.sys.Errno;

/**
 * A system call failed. The message starts with the operation and the errno, as in
 * {@code BPF_PROG_LOAD: EACCES (13)}, followed by what was being done and a hint where one helps.
 */
public class SyscallException extends BpfException {
    private static final long serialVersionUID = 1L;
    /** The failed operation. */
    private final String operation;
    /** The errno value. */
    private final int errno;

    /**
     * Creates the exception; the message is built from the operation, the errno and {@code context}.
     *
     * @param operation the failed operation, such as {@code BPF_MAP_CREATE}
     * @param errno the positive errno value
     * @param context what was being done, or null
     */
    public SyscallException(String operation, int errno, String context) {
        this(operation, errno, context, null);
    }

    /**
     * Creates the exception with a hint for the user, appended in parentheses.
     *
     * @param operation the failed operation, such as {@code BPF_MAP_CREATE}
     * @param errno the positive errno value
     * @param context what was being done, or null
     * @param hint what may help, or null
     */
    public SyscallException(String operation, int errno, String context, String hint) {
        super(format(operation, errno, context, hint));
        this.operation = operation;
        this.errno = errno;
    }

    /**
     * For subclasses that build their own message.
     *
     * @param operation the failed operation
     * @param errno the errno value
     * @param message the complete message
     * @param preformatted marks this constructor; its value is ignored
     */
    protected SyscallException(String operation, int errno, String message, boolean preformatted) {
        super(message);
        this.operation = operation;
        this.errno = errno;
    }

    static String format(String operation, int errno, String context, String hint) {
        StringBuilder sb = new StringBuilder();
        sb.append(operation).append(": ").append(Errno.name(errno)).append(" (").append(errno).append(')');
        String text = Errno.description(errno);
        if (text != null) sb.append(' ').append(text);
        if (context != null && !context.isEmpty()) sb.append(": ").append(context);
        if (hint != null && !hint.isEmpty()) sb.append(" (").append(hint).append(')');
        return sb.toString();
    }

    /**
     * The failed operation, such as {@code BPF_MAP_CREATE} or {@code perf_event_open}.
     *
     * @return the operation's name
     */
    public String operation() {
        return operation;
    }

    /**
     * The errno value the kernel returned.
     *
     * @return the positive errno value
     */
    public int errno() {
        return errno;
    }
}
