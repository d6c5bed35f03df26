package org.bpf4j.gen;

import static org.bpf4j.btf.BtfKind.Code.*;
import static org.bpf4j.gen.JavaCode.quote;

import java.util.ArrayList;
import java.util.List;
import org.bpf4j.btf.Btf;

/**
 * The {@code MemoryLayout} expressions of a skeleton's records: a struct's members at their C
 * offsets with padding between them, unions padded to their C size, members of packed structs
 * with alignment 1, and named structs by their record's {@code LAYOUT}.
 */
final class SkeletonLayouts {
    private final Btf btf;
    private final JavaTypes types;
    private final String className;

    SkeletonLayouts(Btf btf, JavaTypes types, String className) {
        this.btf = btf;
        this.types = types;
        this.className = className;
    }

    String layoutOf(int structId, int indent) {
        return layoutOf(structId, indent, false);
    }

    String layoutOf(int structId, int indent, boolean unaligned) {
        boolean union = btf.kindCode(structId) == UNION;
        long size = btf.sizeOrType(structId) & 0xffffffffL;
        List<String> elems = new ArrayList<>();
        long at = 0; // bytes covered so far (structs)
        int n = btf.vlen(structId);
        for (int i = 0; i < n; i++) {
            long bits = Integer.toUnsignedLong(btf.memberBitOffset(structId, i));
            int bitSize = btf.memberBitfieldSize(structId, i);
            String name = btf.memberName(structId, i);
            int type = btf.memberType(structId, i);
            long msize;
            try {
                msize = bitSize != 0 ? 0 : btf.sizeOf(type);
            } catch (RuntimeException e) {
                msize = 0;
            }
            if (union) {
                if (bitSize != 0 || msize == 0) continue;
                String l = layoutForType(type, indent + 1, unaligned);
                elems.add(name.isEmpty() ? l : l + ".withName(" + quote(name) + ")");
                continue;
            }
            if (bitSize != 0 || msize == 0) continue; // bitfields and flexible arrays: covered by padding
            long off = bits / 8;
            if (off < at) continue; // overlapping (malformed for C): skip
            if (off > at) elems.add("MemoryLayout.paddingLayout(" + (off - at) + ")");
            int malign = 1;
            try {
                malign = Math.max(1, btf.alignOf(type));
            } catch (RuntimeException e) {
                // no alignment: treated as bytes
            }
            // a member off its natural alignment (packed structs) gets alignment-1 layouts
            String l = layoutForType(type, indent + 1, off % malign != 0);
            elems.add(name.isEmpty() ? l : l + ".withName(" + quote(name) + ")");
            at = off + msize;
        }
        if (!union && size > at) elems.add("MemoryLayout.paddingLayout(" + (size - at) + ")");
        StringBuilder b = new StringBuilder(union ? "MemoryLayout.unionLayout(" : "MemoryLayout.structLayout(");
        String pad = "\t".repeat(indent);
        for (int i = 0; i < elems.size(); i++) {
            b.append(i == 0 ? "\n" : ",\n").append(pad).append(elems.get(i));
        }
        b.append(")");
        int align;
        try {
            align = btf.alignOf(structId);
        } catch (RuntimeException e) {
            align = 1;
        }
        if (union) {
            // a union layout is as big as its largest member: pad it to the C size
            b.insert(0, className + ".padTo(").append(", ").append(size).append(")");
        }
        return b + ".withByteAlignment(" + (unaligned ? 1 : Math.max(1, align)) + ")";
    }

    /** The layout of a type; {@code unaligned}: with alignment 1 (its place in a packed struct). */
    private String layoutForType(int type, int indent, boolean unaligned) {
        int t = btf.resolve(type);
        int k = btf.kindCode(t);
        switch (k) {
            case INT, ENUM, ENUM64, FLOAT: {
                int size = btf.sizeOrType(t);
                if (k == FLOAT) {
                    if (size == 4) return "ValueLayout.JAVA_FLOAT_UNALIGNED";
                    if (size == 8) return "ValueLayout.JAVA_DOUBLE_UNALIGNED";
                }
                return switch (size) {
                    case 1 -> "ValueLayout.JAVA_BYTE";
                    case 2 -> "ValueLayout.JAVA_SHORT_UNALIGNED";
                    case 4 -> "ValueLayout.JAVA_INT_UNALIGNED";
                    case 8 -> "ValueLayout.JAVA_LONG_UNALIGNED";
                    default -> "MemoryLayout.sequenceLayout(" + size + ", ValueLayout.JAVA_BYTE)";
                };
            }
            case PTR:
                return "ValueLayout.JAVA_LONG_UNALIGNED";
            case ARRAY:
                return "MemoryLayout.sequenceLayout(" + Integer.toUnsignedLong(btf.arrayNelems(t)) + ", "
                        + layoutForType(btf.arrayType(t), indent, unaligned) + ")";
            case STRUCT, UNION: {
                JavaTypes.RecordDef def = types.records.get(t);
                if (def != null && btf.nameOffset(t) != 0) return def.javaName + ".LAYOUT" + (unaligned ? ".withByteAlignment(1)" : "");
                return layoutOf(t, indent + 1, unaligned);
            }
            default:
                return "MemoryLayout.paddingLayout(1)";
        }
    }
}
