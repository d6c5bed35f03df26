package org.bpf4j;

/**
 * A BPF object file (or a BTF file) is malformed or uses something bpf4j does not support. The
 * message names the file and, where known, the section and offset.
 */
public class ObjectFileException extends BpfException {
    private static final long serialVersionUID = 1L;
    /** The file's path, or null. */
    private final String file;
    /** The section name, or null. */
    private final String section;

    /**
     * Creates the exception; the message is "file: section S: problem".
     *
     * @param file the object file's path, or null when it came from memory
     * @param section the ELF section involved, or null
     * @param problem what is wrong
     */
    public ObjectFileException(String file, String section, String problem) {
        super(format(file, section, problem));
        this.file = file;
        this.section = section;
    }

    /**
     * Creates the exception with the failure that revealed the problem.
     *
     * @param file the object file's path, or null when it came from memory
     * @param section the ELF section involved, or null
     * @param problem what is wrong
     * @param cause the underlying failure
     */
    public ObjectFileException(String file, String section, String problem, Throwable cause) {
        super(format(file, section, problem), cause);
        this.file = file;
        this.section = section;
    }

    private static String format(String file, String section, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<memory>" : file);
        if (section != null) sb.append(": section ").append(section);
        return sb.append(": ").append(problem).toString();
    }

    /**
     * The file involved, or null when the object came from memory.
     *
     * @return the file's path, or null
     */
    public String file() {
        return file;
    }

    /**
     * The ELF section involved, or null.
     *
     * @return the section name, or null
     */
    public String section() {
        return section;
    }
}
