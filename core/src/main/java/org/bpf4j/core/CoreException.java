package org.bpf4j.core;

import org.bpf4j.BpfException;

/** A CO-RE relocation cannot be computed at all (malformed, ambiguous): libbpf fails the load too. */
public class CoreException extends BpfException {
    private static final long serialVersionUID = 1L;

    public CoreException(String message) {
        super(message);
    }
}
