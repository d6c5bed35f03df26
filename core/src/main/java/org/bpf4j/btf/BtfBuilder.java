package org.bpf4j.btf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A mutable copy of a (non-split) BTF, to fix it up before loading it into the kernel: DATASEC
 * sizes and variable offsets (clang leaves them 0), linkage changes, sanitization for old kernels
 * (see {@link BtfSanitizer}), and appended types. {@link #build()} writes raw little-endian BTF
 * (24-byte header, types, strings).
 *
 * <p>Type records are edited in place; changing a type's kind is allowed only when the record keeps
 * its length (which covers every libbpf sanitization rule). Not thread-safe.
 */
public final class BtfBuilder {
    private byte[] types;
    private int typesLen;
    private int[] offsets; // offsets[id - 1] within types
    private int count;     // number of types: ids 1..count
    private byte[] strings;
    private int stringsLen;
    private Map<String, Integer> stringIndex; // built on first addString

    private BtfBuilder() {
    }

    /** {@return an empty base BTF: no types, only the empty string} */
    public static BtfBuilder create() {
        BtfBuilder b = new BtfBuilder();
        b.types = new byte[64];
        b.offsets = new int[16];
        b.strings = new byte[64];
        b.stringsLen = 1;
        return b;
    }

    /**
     * A mutable copy of a base BTF; {@code btf} itself is not changed.
     *
     * @param btf the BTF to copy
     * @return the copy
     * @throws IllegalArgumentException for split BTF
     */
    public static BtfBuilder from(Btf btf) {
        if (btf.base() != null) throw new IllegalArgumentException(btf.origin() + ": cannot build from split BTF");
        BtfBuilder b = new BtfBuilder();
        byte[] raw = btf.rawArray();
        int start = btf.typeSectionStart();
        b.typesLen = btf.typeSectionLength();
        b.types = Arrays.copyOfRange(raw, start, start + b.typesLen);
        b.count = btf.typeCount() - 1;
        b.offsets = new int[Math.max(16, b.count)];
        for (int id = 1; id <= b.count; id++) b.offsets[id - 1] = btf.recordOffset(id) - start;
        b.stringsLen = btf.stringsLength();
        b.strings = Arrays.copyOfRange(raw, btf.stringSectionStart(), btf.stringSectionStart() + b.stringsLen);
        return b;
    }

    /** {@return one past the highest type id (void, id 0, included in the count)} */
    public int typeCount() {
        return count + 1;
    }

    /** {@return the length of the string section so far, in bytes} */
    public int stringsLength() {
        return stringsLen;
    }

    // ------------------------------------------------------------------------------------------
    // Reading back

    private int off(int id) {
        if (id < 1 || id > count) throw new IllegalArgumentException("BTF type id " + id + " out of range [1, " + count + "]");
        return offsets[id - 1];
    }

    private int rd(int p) {
        return Btf.u32(types, p);
    }

    private void wr(int p, int v) {
        types[p] = (byte) v;
        types[p + 1] = (byte) (v >> 8);
        types[p + 2] = (byte) (v >> 16);
        types[p + 3] = (byte) (v >> 24);
    }

    /**
     * {@return the kind number ({@code BTF_KIND_*}) of type {@code id}}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @throws IllegalArgumentException if {@code id} is out of range
     */
    public int kindCode(int id) {
        return types[off(id) + 7] & 0x1f;
    }

    /**
     * {@return the kind of type {@code id}}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @throws IllegalArgumentException if {@code id} is out of range or its kind number is unknown
     */
    public BtfKind kind(int id) {
        return BtfKind.of(kindCode(id));
    }

    /**
     * {@return the info word of type {@code id}: kind flag (bit 31), kind (bits 24-28), vlen (bits 0-15)}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public int info(int id) {
        return rd(off(id) + 4);
    }

    /**
     * {@return the vlen of type {@code id}: members, parameters, enumerators or variables}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public int vlen(int id) {
        return info(id) & 0xffff;
    }

    /**
     * {@return the kind flag of type {@code id} (bitfield members, union forward, signed enum...)}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public boolean kindFlag(int id) {
        return info(id) < 0;
    }

    /**
     * {@return the string offset of type {@code id}'s name, 0 for none}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public int nameOffset(int id) {
        return rd(off(id));
    }

    /**
     * {@return the name of type {@code id}, "" for none}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public String name(int id) {
        return string(nameOffset(id));
    }

    /**
     * {@return the size/type word of type {@code id}: a size in bytes or a type id, by kind}
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     */
    public int sizeOrType(int id) {
        return rd(off(id) + 8);
    }

    /**
     * The n-th 32-bit word after the type's 12-byte common header.
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @param n the word's index, from 0
     * @return the word
     * @throws IllegalArgumentException if the record has no such word
     */
    public int word(int id, int n) {
        int o = off(id);
        int size = Btf.recordSize(kindCode(id), vlen(id));
        if (n < 0 || Btf.TYPE_HEADER + 4 * n >= size) {
            throw new IllegalArgumentException("word " + n + " beyond type " + id + " (" + size + " bytes)");
        }
        return rd(o + Btf.TYPE_HEADER + 4 * n);
    }

    /**
     * The string at this offset of the string section.
     *
     * @param offset the byte offset, such as a {@link #nameOffset}
     * @return the string up to its NUL
     * @throws IllegalArgumentException if the offset lies outside the string section
     */
    public String string(int offset) {
        if (offset < 0 || offset >= stringsLen) throw new IllegalArgumentException("string offset " + offset + " out of range");
        int e = offset;
        while (strings[e] != 0) e++;
        return new String(strings, offset, e - offset, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------
    // Editing

    private void requireKind(int id, BtfKind kind) {
        if (kindCode(id) != kind.code()) {
            throw new IllegalArgumentException("type " + id + " is " + kind(id) + ", not " + kind);
        }
    }

    private int vsi(int datasecId, int index) {
        requireKind(datasecId, BtfKind.DATASEC);
        if (index < 0 || index >= vlen(datasecId)) {
            throw new IllegalArgumentException("DATASEC " + datasecId + " has no variable " + index);
        }
        return off(datasecId) + Btf.TYPE_HEADER + 12 * index;
    }

    /**
     * Sets a DATASEC's size (the ELF section's size).
     *
     * @param datasecId the id of a DATASEC
     * @param size the size in bytes
     * @throws IllegalArgumentException if the type is not a DATASEC
     */
    public void setDatasecSize(int datasecId, int size) {
        requireKind(datasecId, BtfKind.DATASEC);
        wr(off(datasecId) + 8, size);
    }

    /**
     * Sets the offset and size of a DATASEC's variable {@code index}.
     *
     * @param datasecId the id of a DATASEC
     * @param index the variable's index in the DATASEC, from 0
     * @param offset the variable's offset in the section, in bytes
     * @param size the variable's size in bytes
     * @throws IllegalArgumentException if the type is not a DATASEC or has no such variable
     */
    public void setVarSecinfo(int datasecId, int index, int offset, int size) {
        int p = vsi(datasecId, index);
        wr(p + 4, offset);
        wr(p + 8, size);
    }

    /**
     * Points a DATASEC's variable {@code index} at another type (such as a placeholder VAR).
     *
     * @param datasecId the id of a DATASEC
     * @param index the variable's index in the DATASEC, from 0
     * @param type the new type id
     * @throws IllegalArgumentException if the type is not a DATASEC, has no such variable, or {@code type} is out of
     * range
     */
    public void setVarSecinfoType(int datasecId, int index, int type) {
        checkTypeRef(type);
        wr(vsi(datasecId, index), type);
    }

    /**
     * Sorts a DATASEC's variables by offset, as the kernel requires (libbpf does it after fix-ups); stable.
     *
     * @param datasecId the id of a DATASEC
     * @throws IllegalArgumentException if the type is not a DATASEC
     */
    public void sortDatasecVars(int datasecId) {
        requireKind(datasecId, BtfKind.DATASEC);
        int n = vlen(datasecId);
        int base = off(datasecId) + Btf.TYPE_HEADER;
        long[] keyed = new long[n];
        int[][] entries = new int[n][];
        for (int i = 0; i < n; i++) {
            int p = base + 12 * i;
            entries[i] = new int[] {rd(p), rd(p + 4), rd(p + 8)};
            keyed[i] = Integer.toUnsignedLong(entries[i][1]) << 20 | i; // stable: offset, then position
        }
        Arrays.sort(keyed);
        for (int i = 0; i < n; i++) {
            int[] e = entries[(int) (keyed[i] & 0xfffff)];
            int p = base + 12 * i;
            wr(p, e[0]);
            wr(p + 4, e[1]);
            wr(p + 8, e[2]);
        }
    }

    /**
     * Sets a VAR's linkage.
     *
     * @param varId the id of a VAR
     * @param linkage 0 static, 1 global, 2 extern
     * @throws IllegalArgumentException if the type is not a VAR
     */
    public void setVarLinkage(int varId, int linkage) {
        requireKind(varId, BtfKind.VAR);
        wr(off(varId) + Btf.TYPE_HEADER, linkage);
    }

    /**
     * Sets a FUNC's linkage, kept in its vlen.
     *
     * @param funcId the id of a FUNC
     * @param linkage 0 static, 1 global, 2 extern
     * @throws IllegalArgumentException if the type is not a FUNC or the linkage does not fit in 16 bits
     */
    public void setFuncLinkage(int funcId, int linkage) {
        requireKind(funcId, BtfKind.FUNC);
        if (linkage < 0 || linkage > 0xffff) throw new IllegalArgumentException("linkage " + linkage);
        int o = off(funcId);
        wr(o + 4, (rd(o + 4) & 0xffff0000) | linkage);
    }

    /**
     * Adds a string; an existing equal string is reused.
     *
     * @param s the string
     * @return its offset in the string section
     * @throws IllegalArgumentException if the string contains a NUL
     */
    public int addString(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("string with a NUL");
        if (stringIndex == null) {
            stringIndex = new HashMap<>();
            int start = 0;
            for (int i = 0; i < stringsLen; i++) {
                if (strings[i] == 0) {
                    stringIndex.putIfAbsent(new String(strings, start, i - start, StandardCharsets.UTF_8), start);
                    start = i + 1;
                }
            }
        }
        Integer existing = stringIndex.get(s);
        if (existing != null) return existing;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int offset = stringsLen;
        if (stringsLen + b.length + 1 > strings.length) {
            strings = Arrays.copyOf(strings, Math.max(strings.length * 2, stringsLen + b.length + 1));
        }
        System.arraycopy(b, 0, strings, stringsLen, b.length);
        strings[stringsLen + b.length] = 0;
        stringsLen += b.length + 1;
        stringIndex.put(s, offset);
        return offset;
    }

    private void checkString(int offset) {
        if (offset < 0 || offset >= stringsLen) throw new IllegalArgumentException("string offset " + offset + " out of range");
    }

    private void checkTypeRef(int id) {
        if (id < 0 || id > count) throw new IllegalArgumentException("type id " + id + " out of range [0, " + count + "]");
    }

    /**
     * Sets a type's name_off.
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @param nameOffset an offset into the string section, such as {@link #addString} returns
     * @throws IllegalArgumentException if the id or the offset is out of range
     */
    public void setName(int id, int nameOffset) {
        checkString(nameOffset);
        wr(off(id), nameOffset);
    }

    /**
     * Changes a type's info word (kind, vlen, kind flag).
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @param kind the new kind
     * @param vlen the new vlen, 0 to 65535
     * @param kindFlag the new kind flag
     * @throws IllegalArgumentException if the new kind and vlen would change the record's length
     */
    public void setInfo(int id, BtfKind kind, int vlen, boolean kindFlag) {
        int oldSize = Btf.recordSize(kindCode(id), vlen(id));
        int newSize = Btf.recordSize(kind.code(), vlen);
        if (kind == BtfKind.UNKN || vlen < 0 || vlen > 0xffff || oldSize != newSize) {
            throw new IllegalArgumentException("type " + id + ": " + kind(id) + " vlen " + vlen(id) + " (" + oldSize
                    + " bytes) cannot become " + kind + " vlen " + vlen + " (" + newSize + " bytes) in place");
        }
        wr(off(id) + 4, kind.code() << 24 | vlen | (kindFlag ? 1 << 31 : 0));
    }

    /**
     * Sets the size/type word of a type.
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @param value a size in bytes or a type id, by kind
     */
    public void setSizeOrType(int id, int value) {
        wr(off(id) + 8, value);
    }

    /**
     * Sets the n-th word after a type's common header.
     *
     * @param id the type id, 1 to {@link #typeCount()} - 1
     * @param n the word's index, from 0
     * @param value the new word
     * @throws IllegalArgumentException if the record has no such word
     */
    public void setWord(int id, int n, int value) {
        word(id, n); // bounds check
        wr(off(id) + Btf.TYPE_HEADER + 4 * n, value);
    }

    /**
     * Appends an INT type ({@code BTF_INT_ENC(encoding, 0, size * 8)}).
     *
     * @param name the type's name
     * @param size the size in bytes, 1 to 16
     * @param encoding {@code BTF_INT_SIGNED}, {@code BTF_INT_CHAR}, {@code BTF_INT_BOOL} or 0
     * @return the new type's id
     * @throws IllegalArgumentException if the size is out of range
     */
    public int addInt(String name, int size, int encoding) {
        if (size < 1 || size > 16) throw new IllegalArgumentException("INT size " + size);
        return addType(addString(name), BtfKind.INT, 0, false, size, (encoding & 0x0f) << 24 | size * 8);
    }

    /**
     * Appends a type record: the common header, then {@code tail}, which must be exactly as long as the kind and vlen
     * require.
     *
     * @param nameOffset the name's offset in the string section, 0 for none
     * @param kind the kind
     * @param vlen the vlen, 0 to 65535
     * @param kindFlag the kind flag
     * @param sizeOrType the size/type word
     * @param tail the words after the header
     * @return the new type's id
     * @throws IllegalArgumentException if the kind is unknown or {@code tail} has the wrong length
     */
    public int addType(int nameOffset, BtfKind kind, int vlen, boolean kindFlag, int sizeOrType, int... tail) {
        checkString(nameOffset);
        int size = Btf.recordSize(kind.code(), vlen);
        if (kind == BtfKind.UNKN || vlen < 0 || vlen > 0xffff || size != Btf.TYPE_HEADER + 4 * tail.length) {
            throw new IllegalArgumentException(kind + " vlen " + vlen + " needs " + (size - Btf.TYPE_HEADER) / 4
                    + " words after the header, got " + tail.length);
        }
        if (typesLen + size > types.length) types = Arrays.copyOf(types, Math.max(types.length * 2, typesLen + size));
        if (count == offsets.length) offsets = Arrays.copyOf(offsets, count * 2);
        int p = typesLen;
        wr(p, nameOffset);
        wr(p + 4, kind.code() << 24 | vlen | (kindFlag ? 1 << 31 : 0));
        wr(p + 8, sizeOrType);
        for (int i = 0; i < tail.length; i++) wr(p + Btf.TYPE_HEADER + 4 * i, tail[i]);
        typesLen += size;
        offsets[count++] = p;
        return count;
    }

    /** {@return raw little-endian BTF: header (24 bytes), types, strings; a new array each call} */
    public byte[] build() {
        byte[] out = new byte[Btf.HEADER_SIZE + typesLen + stringsLen];
        out[0] = (byte) 0x9f;
        out[1] = (byte) 0xeb;
        out[2] = 1;
        putU32(out, 4, Btf.HEADER_SIZE);
        putU32(out, 8, 0);
        putU32(out, 12, typesLen);
        putU32(out, 16, typesLen);
        putU32(out, 20, stringsLen);
        System.arraycopy(types, 0, out, Btf.HEADER_SIZE, typesLen);
        System.arraycopy(strings, 0, out, Btf.HEADER_SIZE + typesLen, stringsLen);
        return out;
    }

    /**
     * {@link #build()} parsed back (fully validated).
     *
     * @param origin the name for messages
     * @return the parsed BTF
     * @throws org.bpf4j.ObjectFileException if the built BTF is malformed
     */
    public Btf toBtf(String origin) {
        return Btf.parse(build(), origin);
    }

    private static void putU32(byte[] d, int p, int v) {
        d[p] = (byte) v;
        d[p + 1] = (byte) (v >> 8);
        d[p + 2] = (byte) (v >> 16);
        d[p + 3] = (byte) (v >> 24);
    }
}
