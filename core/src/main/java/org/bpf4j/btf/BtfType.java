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

    /** {@return the type id in its {@link Btf}, 0 for void} */
    int id();

    /** {@return the kind; {@link BtfKind#UNKN} for void} */
    BtfKind kind();

    /** {@return the name, "" if anonymous} */
    String name();

    /** Type id 0: void. */
    record Void() implements BtfType {
        /** The one void type. */
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
     * @param id        the type id
     * @param name      the C name, such as {@code unsigned int}
     * @param size      size in bytes
     * @param encoding  bit set of {@link #SIGNED}, {@link #CHAR}, {@link #BOOL}
     * @param bitOffset BTF_INT_OFFSET (0 in anything modern)
     * @param bits      BTF_INT_BITS, the number of value bits
     */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        /** {@code BTF_INT_SIGNED}: a signed integer. */
        public static final int SIGNED = 1;
        /** {@code BTF_INT_CHAR}: a character type. */
        public static final int CHAR = 2;
        /** {@code BTF_INT_BOOL}: a boolean. */
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        /** {@return whether the encoding has {@link #SIGNED}} */
        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }

        /** {@return whether the encoding has {@link #CHAR}} */
        public boolean isChar() {
            return (encoding & CHAR) != 0;
        }

        /** {@return whether the encoding has {@link #BOOL}} */
        public boolean isBool() {
            return (encoding & BOOL) != 0;
        }
    }

    /**
     * BTF_KIND_PTR: a pointer to {@code type}.
     *
     * @param id   the type id
     * @param type the pointed-to type's id, 0 for {@code void *}
     */
    record Ptr(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }

        public String name() {
            return "";
        }
    }

    /**
     * BTF_KIND_ARRAY of {@code nelems} elements of {@code elemType}.
     *
     * @param id        the type id
     * @param elemType  the element type's id
     * @param indexType the index type's id (an INT)
     * @param nelems    the element count, as BTF stores it (unsigned; see {@link #elementCount()})
     */
    record Array(int id, int elemType, int indexType, int nelems) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }

        public String name() {
            return "";
        }

        /** {@return the element count as the unsigned value BTF stores} */
        public long elementCount() {
            return Integer.toUnsignedLong(nelems);
        }
    }

    /** A STRUCT or a UNION. */
    sealed interface Composite extends BtfType permits Struct, Union {
        /** {@return the size in bytes} */
        int size();

        /** {@return the members in declaration order (anonymous struct and union members included, not flattened)} */
        List<Member> members();

        /**
         * The member with this name (anonymous members are not searched into).
         *
         * @param name the member's name
         * @return the first member of that name, or null if there is none
         */
        default Member member(String name) {
            for (Member m : members()) {
                if (m.name().equals(name)) return m;
            }
            return null;
        }
    }

    /**
     * A member of a STRUCT or UNION, normalized: for a type with the kind flag set, {@code bitOffset} is the low 24
     * bits of the stored offset and {@code bitfieldSize} its high 8 bits; otherwise {@code bitOffset} is the stored
     * offset and {@code bitfieldSize} is 0.
     *
     * @param name         the member's name, "" for an anonymous struct or union member
     * @param type         the member's type id
     * @param bitOffset    the offset from the start of the struct or union, in bits
     * @param bitfieldSize the bitfield's width in bits, 0 if not a bitfield
     */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
        /** {@return whether the member is a bitfield (its {@code bitfieldSize} is not 0)} */
        public boolean isBitfield() {
            return bitfieldSize != 0;
        }
    }

    /**
     * BTF_KIND_STRUCT.
     *
     * @param id      the type id
     * @param name    the struct's tag, "" if anonymous
     * @param size    the size in bytes
     * @param members the members in declaration order
     */
    record Struct(int id, String name, int size, List<Member> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    /**
     * BTF_KIND_UNION.
     *
     * @param id      the type id
     * @param name    the union's tag, "" if anonymous
     * @param size    the size in bytes
     * @param members the members in declaration order
     */
    record Union(int id, String name, int size, List<Member> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /**
     * BTF_KIND_ENUM ({@code is64} false) or BTF_KIND_ENUM64 ({@code is64} true). {@code signed} is the kind flag;
     * 32-bit values are sign-extended when it is set and zero-extended otherwise.
     *
     * @param id     the type id
     * @param name   the enum's tag, "" if anonymous
     * @param size   the size in bytes (1, 2, 4 or 8)
     * @param signed whether the values are signed (the kind flag)
     * @param is64   whether it is an ENUM64
     * @param values the enumerators in declaration order
     */
    record Enum(int id, String name, int size, boolean signed, boolean is64, List<EnumValue> values)
            implements BtfType {
        public BtfKind kind() {
            return is64 ? BtfKind.ENUM64 : BtfKind.ENUM;
        }

        /**
         * The enumerator with this name.
         *
         * @param name the enumerator's name
         * @return the enumerator, or null if there is none
         */
        public EnumValue value(String name) {
            for (EnumValue v : values) {
                if (v.name().equals(name)) return v;
            }
            return null;
        }
    }

    /**
     * One enumerator; unsigned 64-bit values are stored in a long as their bits.
     *
     * @param name  the enumerator's name
     * @param value its value
     */
    record EnumValue(String name, long value) {
    }

    /**
     * BTF_KIND_FWD: a forward declaration of a struct ({@code union} false) or a union.
     *
     * @param id    the type id
     * @param name  the declared tag
     * @param union true for a union, false for a struct (the kind flag)
     */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    /**
     * BTF_KIND_TYPEDEF: {@code name} for {@code type}.
     *
     * @param id   the type id
     * @param name the typedef's name
     * @param type the aliased type's id
     */
    record Typedef(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    /**
     * BTF_KIND_VOLATILE: {@code type} qualified {@code volatile}.
     *
     * @param id   the type id
     * @param type the qualified type's id
     */
    record Volatile(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }

        public String name() {
            return "";
        }
    }

    /**
     * BTF_KIND_CONST: {@code type} qualified {@code const}.
     *
     * @param id   the type id
     * @param type the qualified type's id
     */
    record Const(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.CONST;
        }

        public String name() {
            return "";
        }
    }

    /**
     * BTF_KIND_RESTRICT: {@code type} qualified {@code restrict}.
     *
     * @param id   the type id
     * @param type the qualified type's id
     */
    record Restrict(int id, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }

        public String name() {
            return "";
        }
    }

    /**
     * BTF_KIND_TYPE_TAG: {@code __attribute__((btf_type_tag(name)))} applied to {@code type}.
     *
     * @param id   the type id
     * @param name the tag's text, such as {@code rcu} or {@code user}
     * @param type the tagged type's id
     */
    record TypeTag(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }

    /**
     * BTF_KIND_FUNC: a function of prototype {@code type} (a FUNC_PROTO).
     *
     * @param id      the type id
     * @param name    the function's name
     * @param type    the id of its FUNC_PROTO
     * @param linkage {@link #STATIC}, {@link #GLOBAL} or {@link #EXTERN}
     */
    record Func(int id, String name, int type, int linkage) implements BtfType {
        /** Linkage of a static function. */
        public static final int STATIC = 0;
        /** Linkage of a global function. */
        public static final int GLOBAL = 1;
        /** Linkage of an extern function. */
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /**
     * BTF_KIND_FUNC_PROTO. A last parameter with type 0 (and no name) stands for "...".
     *
     * @param id         the type id
     * @param returnType the return type's id, 0 for void
     * @param params     the parameters in order
     */
    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }

        public String name() {
            return "";
        }

        /** {@return whether the last parameter is the varargs marker (type 0)} */
        public boolean isVarargs() {
            return !params.isEmpty() && params.get(params.size() - 1).type() == 0;
        }
    }

    /**
     * One parameter of a FUNC_PROTO.
     *
     * @param name the parameter's name, "" if unnamed
     * @param type the parameter's type id; 0 for the varargs marker
     */
    record Param(String name, int type) {
    }

    /**
     * BTF_KIND_VAR: a variable of {@code type}.
     *
     * @param id      the type id
     * @param name    the variable's name
     * @param type    the variable's type id
     * @param linkage {@link #STATIC}, {@link #GLOBAL} or {@link #EXTERN}
     */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        /** Linkage of a static variable. */
        public static final int STATIC = 0;
        /** Linkage of a global variable. */
        public static final int GLOBAL = 1;
        /** Linkage of an extern variable. */
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /**
     * BTF_KIND_DATASEC: the variables (or extern functions) of one ELF data section.
     *
     * @param id   the type id
     * @param name the ELF section's name, such as {@code .rodata}
     * @param size the section's size in bytes
     * @param vars the entries in stored order
     */
    record Datasec(int id, String name, int size, List<VarSecinfo> vars) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    /**
     * One entry of a DATASEC.
     *
     * @param type   a VAR (or FUNC) type id
     * @param offset the byte offset in the section
     * @param size   the size in bytes
     */
    record VarSecinfo(int type, int offset, int size) {
    }

    /**
     * BTF_KIND_FLOAT.
     *
     * @param id   the type id
     * @param name the C name, such as {@code double}
     * @param size the size in bytes (2, 4, 8, 12 or 16)
     */
    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * BTF_KIND_DECL_TAG: {@code __attribute__((btf_decl_tag(name)))} on {@code type} itself ({@code componentIdx} -1),
     * or on its member or parameter number {@code componentIdx}.
     *
     * @param id           the type id
     * @param name         the tag's text
     * @param type         the tagged type's id (a struct, union, FUNC, VAR or typedef)
     * @param componentIdx -1 for the type itself, else the index of the member or parameter
     */
    record DeclTag(int id, String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
