package org.bpf4j.btf;

import java.util.List;

/**
 * A materialized BTF type: an immutable record per kind, made by {@link Btf#type(int)}. Use it for
 * convenience and pattern matching; hot paths should use the allocation-free accessors of
 * {@link Btf} instead. Anonymous types have the name "". Type references are plain type ids of the
 * {@link Btf} the record came from (0 is void).
 */
public sealed interface BtfType permits BtfType.Void, BtfType.Int, BtfType.Ptr, BtfType.Array,
        BtfType.Composite, BtfType.Enum, BtfType.Fwd, BtfType.Typedef, BtfType.Volatile, BtfType.Const,
        BtfType.Restrict, BtfType.TypeTag, BtfType.Func, BtfType.FuncProto, BtfType.Var, BtfType.Datasec,
        BtfType.Float, BtfType.DeclTag {

    /** The type id. */
    int id();

    BtfKind kind();

    /** The name, "" if anonymous. */
    String name();

    /** Type id 0: void. */
    record Void() implements BtfType {
        public static final Void INSTANCE = new Void();

        public int id() {
            return 0;
        }

        public BtfKind kind() {
            return BtfKind.UNKN;
        }

        public String name() {
            return "";
        }
    }

    /**
     * BTF_KIND_INT.
     *
     * @param size      size in bytes
     * @param encoding  bit set of {@link #SIGNED}, {@link #CHAR}, {@link #BOOL}
     * @param bitOffset BTF_INT_OFFSET (0 in anything modern)
     * @param bits      BTF_INT_BITS, the number of value bits
     */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }

        public boolean isChar() {
            return (encoding & CHAR) != 0;
        }

        public boolean isBool() {
            return (encoding & BOOL) != 0;
        }
    }

    /** BTF_KIND_PTR to {@code type}. */
    record Ptr(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }

        public String name() {
            return "";
        }
    }

    /** BTF_KIND_ARRAY of {@code nelems} elements of {@code elemType}. */
    record Array(int id, int elemType, int indexType, int nelems) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }

        public String name() {
            return "";
        }

        /** The element count as the unsigned value BTF stores. */
        public long elementCount() {
            return Integer.toUnsignedLong(nelems);
        }
    }

    /** A STRUCT or a UNION. */
    sealed interface Composite extends BtfType permits Struct, Union {
        /** Size in bytes. */
        int size();

        List<Member> members();

        /** The member with this name, or null (anonymous members are not searched into). */
        default Member member(String name) {
            for (Member m : members()) {
                if (m.name().equals(name)) return m;
            }
            return null;
        }
    }

    /**
     * A member of a STRUCT or UNION, normalized: for a type with the kind flag set, {@code bitOffset}
     * is the low 24 bits of the stored offset and {@code bitfieldSize} its high 8 bits; otherwise
     * {@code bitOffset} is the stored offset and {@code bitfieldSize} is 0.
     */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
        public boolean isBitfield() {
            return bitfieldSize != 0;
        }
    }

    /** BTF_KIND_STRUCT. */
    record Struct(int id, String name, int size, List<Member> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    /** BTF_KIND_UNION. */
    record Union(int id, String name, int size, List<Member> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /**
     * BTF_KIND_ENUM ({@code is64} false) or BTF_KIND_ENUM64 ({@code is64} true). {@code signed} is the
     * kind flag; 32-bit values are sign-extended when it is set and zero-extended otherwise.
     */
    record Enum(int id, String name, int size, boolean signed, boolean is64, List<EnumValue> values)
            implements BtfType {
        public BtfKind kind() {
            return is64 ? BtfKind.ENUM64 : BtfKind.ENUM;
        }

        /** The value with this name, or null. */
        public EnumValue value(String name) {
            for (EnumValue v : values) {
                if (v.name().equals(name)) return v;
            }
            return null;
        }
    }

    /** One enumerator; unsigned 64-bit values are stored in a long as their bits. */
    record EnumValue(String name, long value) {
    }

    /** BTF_KIND_FWD: a forward declaration of a struct ({@code union} false) or a union. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    record Volatile(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }

        public String name() {
            return "";
        }
    }

    record Const(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.CONST;
        }

        public String name() {
            return "";
        }
    }

    record Restrict(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }

        public String name() {
            return "";
        }
    }

    /** BTF_KIND_TYPE_TAG: {@code __attribute__((btf_type_tag(name)))} applied to {@code type}. */
    record TypeTag(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }

    /** BTF_KIND_FUNC: a function of prototype {@code type} (a FUNC_PROTO). */
    record Func(int id, String name, int type, int linkage) implements BtfType {
        public static final int STATIC = 0;
        public static final int GLOBAL = 1;
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** BTF_KIND_FUNC_PROTO. A last parameter with type 0 (and no name) stands for "...". */
    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }

        public String name() {
            return "";
        }

        /** True if the last parameter is the varargs marker (type 0). */
        public boolean isVarargs() {
            return !params.isEmpty() && params.get(params.size() - 1).type() == 0;
        }
    }

    record Param(String name, int type) {
    }

    /** BTF_KIND_VAR: a variable of {@code type}. */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        public static final int STATIC = 0;
        public static final int GLOBAL = 1;
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** BTF_KIND_DATASEC: the variables (or extern functions) of one ELF data section. */
    record Datasec(int id, String name, int size, List<VarSecinfo> vars) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    /** One entry of a DATASEC: a VAR (or FUNC) type id, and its byte offset and size in the section. */
    record VarSecinfo(int type, int offset, int size) {
    }

    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * BTF_KIND_DECL_TAG: {@code __attribute__((btf_decl_tag(name)))} on {@code type} itself
     * ({@code componentIdx} -1), or on its member or parameter number {@code componentIdx}.
     */
    record DeclTag(int id, String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
