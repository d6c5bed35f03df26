package org.bpf4j;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables of one global data section ({@code .rodata}, {@code .data}, {@code .bss} or a
 * custom {@code .data.*} / {@code .rodata.*}), by name, as BTF describes them. Before loading it
 * writes the initial values (for example a {@code const volatile} filter such as
 * {@code target_pid}); after loading it reads and writes the live map through its memory mapping.
 *
 * <p>Integers are little-endian and sized by the variable: {@link #set(String, long)} rejects a
 * value that does not fit. Unsigned variables are read with {@link #getLong} and friends as the
 * same bit pattern: a {@code u32} of 0xffffffff reads as -1 from {@link #getInt} and as 4294967295
 * from {@link #getUnsigned}.
 */
public final class GlobalData {
    /**
     * A variable of the section: name, byte offset, size, BTF type id in the object's BTF.
     *
     * @param name the variable's C name
     * @param offset its byte offset in the section
     * @param size its size in bytes
     * @param btfTypeId its type's id in the object's BTF (the {@code VAR}'s type)
     * @param signed whether that type is a signed integer
     */
    public record Variable(String name, int offset, int size, int btfTypeId, boolean signed) {}

    private final String section;
    private final Map<String, Variable> variables;
    private final MemorySegment memory;
    private final boolean writable;

    GlobalData(String section, Map<String, Variable> variables, MemorySegment memory, boolean writable) {
        this.section = section;
        this.variables = variables;
        this.memory = memory;
        this.writable = writable;
    }

    GlobalData withMemory(MemorySegment m, boolean canWrite) {
        return new GlobalData(section, variables, m, canWrite);
    }

    /** {@return the ELF section, such as {@code .rodata} or {@code .bss}} */
    public String section() {
        return section;
    }

    /**
     * The variables in offset order.
     *
     * @return the variables, unmodifiable
     */
    public List<Variable> variables() {
        return List.copyOf(variables.values());
    }

    Map<String, Variable> variableMap() {
        return Collections.unmodifiableMap(variables);
    }

    /**
     * The variable called {@code name}; {@link NoSuchObjectException} naming the known ones.
     *
     * @param name the variable's C name
     * @return the variable
     * @throws NoSuchObjectException if the section has no such variable
     */
    public Variable variable(String name) {
        Variable v = variables.get(name);
        if (v == null) {
            throw NoSuchObjectException.of("no variable '" + name + "' in " + section + " (variables: "
                    + String.join(", ", variables.keySet()) + ")", name, variables.keySet());
        }
        return v;
    }

    /**
     * The bytes of the whole section (a view; writes go to the section).
     *
     * @return the section's memory, valid while the object is open
     */
    public MemorySegment memory() {
        return memory;
    }

    /**
     * Sets an integer variable of 1, 2, 4 or 8 bytes, checking that {@code value} fits.
     *
     * @param name the variable's C name
     * @param value the value; it must fit the variable's size and signedness
     * @return this, for chaining
     * @throws IllegalArgumentException if the value does not fit or the variable is not an integer size
     * @throws IllegalStateException if the section is read-only (loaded {@code .rodata}, {@code .kconfig})
     */
    public GlobalData set(String name, long value) {
        Variable v = variable(name);
        checkWritable(v);
        int size = v.size();
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException(section + " variable '" + name + "' has " + size
                    + " bytes: set it with set(String, byte[])");
        }
        if (size < 8) {
            long min = v.signed() ? -(1L << (size * 8 - 1)) : -(1L << (size * 8 - 1));
            long max = v.signed() ? (1L << (size * 8 - 1)) - 1 : (1L << (size * 8)) - 1;
            if (value < min || value > max) {
                throw new IllegalArgumentException("value " + value + " does not fit " + section + " variable '"
                        + name + "' (" + size + " bytes)");
            }
        }
        for (int i = 0; i < size; i++) memory.set(ValueLayout.JAVA_BYTE, v.offset() + i, (byte) (value >>> (8 * i)));
        return this;
    }

    /**
     * Sets a {@code bool} (or any 1-byte) variable.
     *
     * @param name the variable's C name
     * @param value the value, stored as 1 or 0
     * @return this, for chaining
     */
    public GlobalData set(String name, boolean value) {
        return set(name, value ? 1 : 0);
    }

    /**
     * Sets a variable's bytes; {@code bytes} must have exactly the variable's size.
     *
     * @param name the variable's C name
     * @param bytes the new contents, copied
     * @return this, for chaining
     * @throws IllegalArgumentException if the size differs
     */
    public GlobalData set(String name, byte[] bytes) {
        Variable v = variable(name);
        checkWritable(v);
        if (bytes.length != v.size()) {
            throw new IllegalArgumentException(section + " variable '" + name + "' has " + v.size()
                    + " bytes, not " + bytes.length);
        }
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, v.offset(), bytes.length);
        return this;
    }

    /**
     * Sets a {@code char[N]} variable to {@code s}, NUL-padded; it must fit with its NUL.
     *
     * @param name the variable's C name
     * @param s the string, encoded as UTF-8
     * @return this, for chaining
     * @throws IllegalArgumentException if it does not fit with its NUL
     */
    public GlobalData setString(String name, String s) {
        Variable v = variable(name);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length >= v.size()) {
            throw new IllegalArgumentException("string of " + b.length + " bytes does not fit " + section
                    + " variable '" + name + "' (char[" + v.size() + "])");
        }
        byte[] padded = new byte[v.size()];
        System.arraycopy(b, 0, padded, 0, b.length);
        return set(name, padded);
    }

    /**
     * Reads an integer variable of 1, 2, 4 or 8 bytes, sign-extended if its BTF type is signed.
     *
     * @param name the variable's C name
     * @return the value
     */
    public long getLong(String name) {
        Variable v = variable(name);
        long raw = getUnsigned(name);
        int bits = v.size() * 8;
        if (v.signed() && bits < 64) return (raw << (64 - bits)) >> (64 - bits);
        return raw;
    }

    /**
     * Reads an integer variable as {@link #getLong}, truncated to 32 bits.
     *
     * @param name the variable's C name
     * @return the value's low 32 bits
     */
    public int getInt(String name) {
        return (int) getLong(name);
    }

    /**
     * Reads a {@code bool} (or any integer) variable: true unless it is zero.
     *
     * @param name the variable's C name
     * @return whether the variable is non-zero
     */
    public boolean getBoolean(String name) {
        return getUnsigned(name) != 0;
    }

    /**
     * Reads an integer variable zero-extended (for u8/u16/u32; a u64 comes back as its bit pattern).
     *
     * @param name the variable's C name
     * @return the value, zero-extended
     */
    public long getUnsigned(String name) {
        Variable v = variable(name);
        int size = v.size();
        if (size > 8) throw new IllegalArgumentException(section + " variable '" + name + "' has " + size + " bytes");
        long r = 0;
        for (int i = 0; i < size; i++) r |= (memory.get(ValueLayout.JAVA_BYTE, v.offset() + i) & 0xffL) << (8 * i);
        return r;
    }

    /**
     * A copy of a variable's bytes.
     *
     * @param name the variable's C name
     * @return a new array of the variable's size
     */
    public byte[] getBytes(String name) {
        Variable v = variable(name);
        byte[] b = new byte[v.size()];
        MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, v.offset(), b, 0, b.length);
        return b;
    }

    private void checkWritable(Variable v) {
        if (!writable) {
            throw new IllegalStateException(section + (section.equals(".kconfig")
                    ? " holds what the load reads from the kernel configuration: read-only"
                    : " is read-only once loaded") + " (variable '" + v.name() + "')");
        }
    }

    static Map<String, Variable> index(List<Variable> vars) {
        Map<String, Variable> m = new LinkedHashMap<>();
        for (Variable v : vars) m.put(v.name(), v);
        return m;
    }
}
