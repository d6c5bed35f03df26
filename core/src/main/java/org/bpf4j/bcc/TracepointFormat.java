package org.bpf4j.bcc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpf4j.BpfException;
import org.bpf4j.link.Tracefs;

/**
 * The C struct of a tracepoint's record, {@code struct tracepoint__C__E}, from its tracefs
 * {@code format} file, as BCC gives {@code TRACEPOINT_PROBE}'s {@code args}. Every field sits at
 * the offset the format gives (padding fills the gaps); scalars are typed by the size the format
 * gives ({@code int flags} of a syscall record is 8 bytes wide), pointers and arrays keep the
 * declared type, and a {@code __data_loc} field becomes its u32 location word
 * {@code __data_loc_NAME} (offset in the low 16 bits, length in the high 16).
 */
final class TracepointFormat {
    private TracepointFormat() {}

    private static final Pattern FIELD = Pattern.compile(
            "^\\s*field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d);", Pattern.MULTILINE);
    private static final Pattern DECL = Pattern.compile("^(.*?)\\b([A-Za-z_]\\w*)\\s*(\\[[^\\]]*\\])?$");

    /** The format text of tracepoint {@code category/event} from tracefs. */
    static String read(String category, String event) {
        Path f = Tracefs.root().resolve("events").resolve(category).resolve(event).resolve("format");
        try {
            return Files.readString(f);
        } catch (NoSuchFileException e) {
            throw new BpfException("tracepoint " + category + "/" + event + " does not exist (no " + f + "); see "
                    + Tracefs.root().resolve("available_events"));
        } catch (IOException e) {
            throw new BpfException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** {@code struct NAME { ... };} for the fields of {@code format}. */
    static String struct(String name, String format) {
        StringBuilder b = new StringBuilder("struct ").append(name).append(" {\n");
        Matcher m = FIELD.matcher(format);
        long at = 0;
        int fields = 0;
        while (m.find()) {
            String decl = m.group(1).trim();
            long offset = Long.parseLong(m.group(2)), size = Long.parseLong(m.group(3));
            boolean signed = m.group(4).equals("1");
            if (offset < at) continue; // overlapping (a union): the first field wins
            if (offset > at) b.append("\tchar __pad_").append(at).append('[').append(offset - at).append("];\n");
            b.append('\t').append(field(decl, size, signed)).append(";\n");
            at = offset + size;
            fields++;
        }
        if (fields == 0) throw new BpfException("tracepoint format of " + name + " lists no fields");
        return b.append("};\n").toString();
    }

    private static String field(String decl, long size, boolean signed) {
        boolean dataLoc = decl.startsWith("__data_loc");
        if (dataLoc) decl = decl.substring("__data_loc".length()).trim();
        Matcher d = DECL.matcher(decl);
        if (!d.matches()) return "char __field_" + Math.abs(decl.hashCode()) + "[" + size + "]";
        String type = d.group(1).trim(), name = d.group(2), dims = d.group(3);
        if (dataLoc) return "u32 __data_loc_" + name;
        if (dims != null) {
            String n = dims.substring(1, dims.length() - 1).trim();
            long count;
            try {
                count = Long.parseLong(n);
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (type.matches("(const\\s+)?(unsigned\\s+|signed\\s+)?char")) return "char " + name + "[" + size + "]";
            String elem = count > 0 && size % count == 0 && !type.contains("*") ? scalar(size / count, signed, type) : null;
            if (elem != null) return elem + " " + name + "[" + count + "]";
            return "u8 " + name + "[" + size + "]";
        }
        if (type.contains("*")) return size == 8 || size == 4 ? type + " " + name : "u8 " + name + "[" + size + "]";
        String s = scalar(size, signed, type);
        return s == null ? "u8 " + name + "[" + size + "]" : s + " " + name;
    }

    /** The integer type of {@code size} bytes, or null for other sizes. */
    private static String scalar(long size, boolean signed, String type) {
        return switch ((int) size) {
            case 1 -> type.equals("bool") ? "bool" : signed ? "s8" : "u8";
            case 2 -> signed ? "s16" : "u16";
            case 4 -> signed ? "s32" : "u32";
            case 8 -> signed ? "s64" : "u64";
            default -> null;
        };
    }
}
