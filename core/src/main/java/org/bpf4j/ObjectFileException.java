package org.bpf4j;

/**
 * A BPF object file (or a BTF file) is malformed or uses something bpf4j does not support. The
 * message names the file and, where known, the section and offset.
 */
public class ObjectFileException extends BpfException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String section;

    public ObjectFileException(String file, String section, String problem) {
        super(format(file, section, problem));
        this.file = file;
        this.section = section;
    }

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

    /** The file involved, or null when the object came from memory. */
    public String file() {
        return file;
    }

    /** The ELF section involved, or null. */
    public String section() {
        return section;
    }
}
