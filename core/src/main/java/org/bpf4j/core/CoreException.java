package org.bpf4j.core;

import org.bpf4j.BpfException;

/** A CO-RE relocation cannot be computed at all (malformed, ambiguous): libbpf fails the load too. */
public class CoreException extends BpfException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the program and the relocation
     */
    public CoreException(String message) {
        super(message);
    }
}
