package org.bpf4j.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.bpf4j.btf.Btf;

/**
 * Writes small BTF blobs by hand for CO-RE unit tests: base BTF, or split BTF over a base (type
 * ids and string offsets continue the base's). Types are added in id order.
 */
final class TinyBtf {
    private final Btf base;
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int next;

    private TinyBtf(Btf base) {
        this.base = base;
        this.next = base == null ? 1 : base.typeCount();
        if (base == null) strings.write(0);
    }

    static TinyBtf base() {
        return new TinyBtf(null);
    }

    static TinyBtf split(Btf base) {
        return new TinyBtf(base);
    }

    /** The id the next type will get. */
    int nextId() {
        return next;
    }

    private int str(String s) {
        if (s == null || s.isEmpty()) return 0;
        int off = strings.size() + (base == null ? 0 : base.stringsLength());
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return off;
    }

    private void u32(int v) {
        types.write(v);
        types.write(v >> 8);
        types.write(v >> 16);
        types.write(v >> 24);
    }

    private int header(String name, int kind, int vlen, boolean kflag, int sizeOrType) {
        u32(str(name));
        u32(kind << 24 | vlen | (kflag ? 1 << 31 : 0));
        u32(sizeOrType);
        return next++;
    }

    int integer(String name, int size, boolean signed) {
        int id = header(name, 1, 0, false, size);
        u32((signed ? 1 : 0) << 24 | size * 8);
        return id;
    }

    int ptr(int type) {
        return header(null, 2, 0, false, type);
    }

    /** members: name, type, bit offset; repeated. */
    int struct(String name, int size, Object... members) {
        return composite(4, name, size, members);
    }

    int union(String name, int size, Object... members) {
        return composite(5, name, size, members);
    }

    private int composite(int kind, String name, int size, Object... members) {
        int id = header(name, kind, members.length / 3, false, size);
        for (int i = 0; i < members.length; i += 3) {
            u32(str((String) members[i]));
            u32((Integer) members[i + 1]);
            u32((Integer) members[i + 2]);
        }
        return id;
    }

    /** enumerators: name, value; repeated. */
    int enumeration(String name, int size, boolean signed, Object... values) {
        int id = header(name, 6, values.length / 2, signed, size);
        for (int i = 0; i < values.length; i += 2) {
            u32(str((String) values[i]));
            u32((Integer) values[i + 1]);
        }
        return id;
    }

    int typedef(String name, int type) {
        return header(name, 8, 0, false, type);
    }

    int array(int elem, int index, int nelems) {
        int id = header(null, 3, 0, false, 0);
        u32(elem);
        u32(index);
        u32(nelems);
        return id;
    }

    byte[] bytes() {
        byte[] t = types.toByteArray(), s = strings.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length)
                .putInt(t.length).putInt(s.length).put(t).put(s);
        return b.array();
    }

    Btf build(String origin) {
        return base == null ? Btf.parse(bytes(), origin) : Btf.parseSplit(bytes(), base, origin);
    }
}
