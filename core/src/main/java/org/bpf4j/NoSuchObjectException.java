package org.bpf4j;

import java.util.Collection;
import java.util.List;

/**
 * A lookup by name found nothing: no program, map, global data section or variable of that name.
 * The message names what was asked for and lists what exists, in one line.
 */
public class NoSuchObjectException extends BpfException {
    private static final long serialVersionUID = 1L;

    /** The name that was looked up. */
    private final String name;
    /** The names that exist. */
    private final List<String> known;

    /**
     * Creates the exception.
     *
     * @param message the whole message (it should name {@code name} and list {@code known})
     * @param name    the name that was looked up
     * @param known   the names that exist
     */
    public NoSuchObjectException(String message, String name, Collection<String> known) {
        super(message);
        this.name = name;
        this.known = List.copyOf(known);
    }

    /**
     * The name that was looked up.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The names that exist where it was looked up.
     *
     * @return the names, in their order
     */
    public List<String> known() {
        return known;
    }

    /**
     * The exception, typed as its superclass: a {@code throw} of this call does not make the JVM's
     * verifier load this class on the paths where no lookup fails.
     */
    static BpfException of(String message, String name, Collection<String> known) {
        return new NoSuchObjectException(message, name, known);
    }
}
