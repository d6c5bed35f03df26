package org.bpf4j;

/**
 * The kernel refused an operation for lack of privilege (EPERM, or EACCES outside the verifier).
 * The message names the capability that is missing.
 */
public class PermissionException extends SyscallException {
    private static final long serialVersionUID = 1L;
    private final String capability;

    public PermissionException(String operation, int errno, String context, String capability) {
        super(operation, errno, context, hintFor(capability));
        this.capability = capability;
    }

    private static String hintFor(String capability) {
        return "run as root or grant " + capability;
    }

    /** The capability that would allow the operation, such as {@code CAP_BPF}. */
    public String capability() {
        return capability;
    }
}
