package org.bpf4j.btf;

/**
 * One .BTF.ext line_info record: the source line of the instructions starting at this one.
 *
 * @param insnOffset     the BYTE offset of the instruction in its ELF section, as stored
 * @param fileNameOffset the BTF string offset of the source file name
 * @param lineOffset     the BTF string offset of the source line's text
 * @param lineCol        line number (high 22 bits) and column (low 10 bits)
 * @param fileName       the source file name
 * @param line           the source line's text
 */
public record LineInfo(int insnOffset, int fileNameOffset, int lineOffset, int lineCol, String fileName,
                       String line) {
    /** {@return the 1-based line number} */
    public int lineNumber() {
        return lineCol >>> 10;
    }

    /** {@return the 1-based column, 0 if unknown} */
    public int column() {
        return lineCol & 0x3ff;
    }
}
