package org.bpf4j;

/**
 * The kernel refused an operation for lack of privilege (EPERM, or EACCES outside the verifier).
 * The message names the capability that is missing.
 */
public class PermissionException extends SyscallException {
    private static final long serialVersionUID = 1L;
    /** The missing capability. */
    private final String capability;

    /**
     * Creates the exception; the message ends with a hint to grant {@code capability}.
     *
     * @param operation the failed operation, such as {@code BPF_PROG_LOAD}
     * @param errno the errno value (EPERM or EACCES)
     * @param context what was being done, or null
     * @param capability the capability that would allow it, such as {@code CAP_BPF}
     */
    public PermissionException(String operation, int errno, String context, String capability) {
        super(operation, errno, context, hintFor(capability));
        this.capability = capability;
    }

    private static String hintFor(String capability) {
        return "run as root or grant " + capability;
    }

    /**
     * The capability that would allow the operation, such as {@code CAP_BPF}.
     *
     * @return the capability's name
     */
    public String capability() {
        return capability;
    }
}
