package org.bpf4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.BpfProgram;
import org.bpf4j.XlatedProgram;
import org.bpf4j.asm.Instructions;
import org.bpf4j.btf.Btf;

/**
 * {@code bpf4j prog dump xlated PROG [linum] [-j|-p]}: a loaded program's verified instructions
 * as bpftool 7.1 prints them: the kernel's instruction syntax ({@code (bf) r6 = r1}), each
 * function's prototype from BTF, the C source line before the instructions it produced, map ids,
 * and helper and subprogram names from {@code /proc/kallsyms}.
 */
final class XlatedDump {
    private XlatedDump() {}

    private static final String[] ALU = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=",
        "s>>=", "endian", "", ""};
    private static final String[] JMP = {"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=",
        "s<", "s<=", "", ""};
    private static final String[] ATOMIC = {"add", "", "", "", "or", "and", "", "", "", "", "xor", "", "", "", "", ""};
    private static final String[] SIZE = {"u32", "u16", "u8", "u64"};
    private static final String[] CLASS = {"ld", "ldx", "st", "stx", "alu", "jmp", "jmp32", "alu64"};

    static int run(Inspect in, PrintStream out) {
        String what = in.next("xlated");
        if (!what.equals("xlated")) {
            throw new Args.UsageException("prog dump " + what + ": only 'xlated' is supported (bpf4j has no JIT disassembler)");
        }
        Inspect.Selector s = in.selector("program", "id", "pinned", "name");
        boolean linum = false;
        while (in.hasMore()) {
            String w = in.next("option");
            if (w.equals("linum")) linum = true;
            else throw new Args.UsageException("unexpected argument '" + w + "' (known: linum)");
        }
        XlatedProgram x;
        try (BpfProgram p = ProgInspect.open(s)) {
            x = p.xlated();
        }
        Map<Long, String> syms = kallsyms(x);
        long callBase = syms.containsKey(-1L) ? Long.parseLong(syms.get(-1L)) : 0;
        Instructions insns = x.instructions();
        Btf btf = x.btf();
        BpftoolJson j = in.json ? in.jsonWriter().startArray() : null;
        StringBuilder sb = new StringBuilder();
        int func = 0, skip = 0;
        for (int i = 0; i < insns.count(); i++) {
            if (j != null) j.startObject();
            if (btf != null && func < x.funcs().size() && x.funcs().get(func).insn() == i) {
                String proto = typeOnly(btf, x.funcs().get(func).typeId());
                if (!proto.isEmpty()) {
                    if (j != null) j.field("proto", proto);
                    else sb.append(proto).append(":\n");
                }
                func++;
            }
            XlatedProgram.Line line = lfind(x.lines(), i, skip);
            if (line != null) {
                String text = line.text().stripLeading();
                if (j != null) {
                    j.field("src", text);
                    if (linum) j.field("file", line.file()).field("line_num", line.lineNumber()).field("line_col", line.column());
                } else {
                    sb.append("; ").append(text);
                    if (linum) {
                        sb.append(" [file:").append(line.file()).append(" line_num:").append(line.lineNumber())
                                .append(" line_col:").append(line.column()).append(']');
                    }
                    sb.append('\n');
                }
                skip++;
            }
            String d = insn(insns, i, callBase, syms, x.jitedKsyms());
            if (j != null) j.field("disasm", d).endObject();
            else sb.append(String.format("% 4d: ", i)).append(d).append('\n');
            if (insns.code(i) == 0x18) i++; // the second half of a 64-bit immediate load
        }
        if (j != null) out.print(j.endArray().finish());
        else out.print(sb);
        return 0;
    }

    /** The last line record at or before {@code insn}, looking from record {@code skip} on (libbpf's lfind). */
    static XlatedProgram.Line lfind(List<XlatedProgram.Line> lines, int insn, int skip) {
        if (skip >= lines.size() || insn < lines.get(skip).insn()) return null;
        int k = skip;
        while (k + 1 < lines.size() && lines.get(k + 1).insn() <= insn) k++;
        return lines.get(k);
    }

    /**
     * The kernel symbols at the addresses the program calls (helpers: {@code __bpf_call_base}
     * plus the call's immediate; subprograms: their JIT-compiled addresses). Key -1 holds
     * {@code __bpf_call_base}'s address; empty if kallsyms hides addresses.
     */
    private static Map<Long, String> kallsyms(XlatedProgram x) {
        Map<Long, String> out = new HashMap<>();
        String all;
        try {
            all = new String(Files.readAllBytes(Path.of("/proc/kallsyms")), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return out;
        }
        int at = all.indexOf(" __bpf_call_base\n");
        if (at < 0) return out;
        int start = all.lastIndexOf('\n', at) + 1;
        long base = Long.parseUnsignedLong(all.substring(start, all.indexOf(' ', start)), 16);
        if (base == 0) return out; // kernel.kptr_restrict hides addresses
        out.put(-1L, Long.toString(base));
        Map<String, Long> wanted = new HashMap<>();
        for (long a : x.jitedKsyms()) wanted.put(String.format("%016x", a), a);
        Instructions in = x.instructions();
        for (int i = 0; i < in.count(); i++) {
            if (in.code(i) == 0x85 && in.src(i) == 0) wanted.put(String.format("%016x", base + in.imm(i)), base + in.imm(i));
        }
        // one pass over the lines, comparing only their address field
        for (int pos = 0; pos < all.length() && out.size() <= wanted.size(); ) {
            int nl = all.indexOf('\n', pos);
            if (nl < 0) nl = all.length();
            int sp = all.indexOf(' ', pos);
            if (sp > pos && sp < nl) {
                Long a = wanted.get(all.substring(pos, sp));
                if (a != null && !out.containsKey(a)) {
                    int name = all.indexOf(' ', sp + 1) + 1;
                    int end = all.indexOf('\t', name);
                    out.put(a, all.substring(name, end < 0 || end > nl ? nl : end));
                }
            }
            pos = nl + 1;
        }
        return out;
    }

    private static String signed(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }

    /** One instruction in the kernel's syntax, as the verifier log and bpftool print it. */
    static String insn(Instructions in, int i, long callBase, Map<Long, String> syms, List<Long> ksyms) {
        int code = in.code(i), cls = code & 7, dst = in.dst(i), src = in.src(i), off = in.off(i), imm = in.imm(i);
        String c = String.format("(%02x) ", code);
        String size = SIZE[(code >> 3) & 3];
        int mode = code & 0xe0;
        switch (cls) {
            case 4, 7 -> {
                char r = cls == 4 ? 'w' : 'r';
                int op = code & 0xf0;
                if (op == 0xd0) {
                    if (cls == 7) return c.trim().replace("(", "BUG_alu64_").replace(")", "");
                    return c + "r" + dst + " = " + ((code & 8) != 0 ? "be" : "le") + imm + " r" + dst;
                }
                if (op == 0x80) return c + r + dst + " = -" + r + dst;
                if ((code & 8) != 0) return c + r + dst + " " + ALU[op >> 4] + " " + r + src;
                return c + r + dst + " " + ALU[op >> 4] + " " + imm;
            }
            case 3 -> {
                if (mode == 0x60) return c + "*(" + size + " *)(r" + dst + " " + signed(off) + ") = r" + src;
                if (mode == 0xc0) {
                    String w = size.equals("u64") ? "64" : "";
                    int aop = imm & 0xf0;
                    boolean alu = aop == 0x00 || aop == 0x40 || aop == 0x50 || aop == 0xa0;
                    if (alu && (imm & 1) == 0 && imm == aop) {
                        return c + "lock *(" + size + " *)(r" + dst + " " + signed(off) + ") " + ALU[aop >> 4] + " r" + src;
                    }
                    if (alu && imm == (aop | 1)) {
                        return c + "r" + src + " = atomic" + w + "_fetch_" + ATOMIC[aop >> 4] + "((" + size + " *)(r" + dst
                                + " " + signed(off) + "), r" + src + ")";
                    }
                    if (imm == 0xf1) {
                        return c + "r0 = atomic" + w + "_cmpxchg((" + size + " *)(r" + dst + " " + signed(off) + "), r0, r"
                                + src + ")";
                    }
                    if (imm == 0xe1) {
                        return c + "r" + src + " = atomic" + w + "_xchg((" + size + " *)(r" + dst + " " + signed(off)
                                + "), r" + src + ")";
                    }
                }
                return String.format("BUG_%02x", code);
            }
            case 2 -> {
                if (mode == 0x60) return c + "*(" + size + " *)(r" + dst + " " + signed(off) + ") = " + imm;
                if (mode == 0xc0) return c + "nospec";
                return String.format("BUG_st_%02x", code);
            }
            case 1 -> {
                if (mode != 0x60) return String.format("BUG_ldx_%02x", code);
                return c + "r" + dst + " = *(" + size + " *)(r" + src + " " + signed(off) + ")";
            }
            case 0 -> {
                if (mode == 0x20) return c + "r0 = *(" + size + " *)skb[" + imm + "]";
                if (mode == 0x40) return c + "r0 = *(" + size + " *)skb[r" + src + " + " + imm + "]";
                if (code == 0x18 && i + 1 < in.count()) {
                    int next = in.imm(i + 1);
                    String v = switch (src) {
                        case 1 -> "map[id:" + Integer.toUnsignedString(imm) + "]";
                        case 2 -> "map[id:" + Integer.toUnsignedString(imm) + "][0]+" + Integer.toUnsignedString(next);
                        case 5 -> "map[idx:" + Integer.toUnsignedString(imm) + "]+" + Integer.toUnsignedString(next);
                        case 4 -> "subprog[" + signed(imm) + "]";
                        default -> "0x" + Long.toHexString(in.imm64(i));
                    };
                    return c + "r" + dst + " = " + v;
                }
                return String.format("BUG_ld_%02x", code);
            }
            case 5, 6 -> {
                int op = code & 0xf0;
                if (op == 0x80) {
                    if (src == 1) {
                        Long addr = imm >= 0 && imm < ksyms.size() ? ksyms.get(imm) : null;
                        String name = addr == null ? null : syms.get(addr);
                        String target = ksyms.isEmpty() ? signed(off)
                                : name != null ? signed(off) + "#" + name : signed(off) + "#0x" + Long.toHexString(addr == null ? 0 : addr);
                        return c + "call pc" + target;
                    }
                    String name;
                    if (src == 2) name = "kernel-function";
                    else if (callBase == 0) name = "unknown";
                    else name = syms.getOrDefault(callBase + imm, "0x" + Long.toHexString(callBase + imm));
                    return c + "call " + name + "#" + imm;
                }
                if (code == 0x05) return c + "goto pc" + signed(off);
                if (code == 0x95) return c + "exit";
                char r = cls == 6 ? 'w' : 'r';
                if ((code & 8) != 0) return c + "if " + r + dst + " " + JMP[op >> 4] + " " + r + src + " goto pc" + signed(off);
                return c + "if " + r + dst + " " + JMP[op >> 4] + " 0x" + Integer.toHexString(imm) + " goto pc" + signed(off);
            }
            default -> {
                return c + CLASS[cls];
            }
        }
    }

    /** A type as bpftool names it in prototypes: {@code int on_exec(void * ctx)}. */
    static String typeOnly(Btf btf, int id) {
        StringBuilder sb = new StringBuilder();
        try {
            typeOnly(btf, id, sb, 0);
        } catch (IllegalStateException e) {
            return "";
        }
        return sb.toString();
    }

    private static void typeOnly(Btf btf, int id, StringBuilder sb, int depth) {
        if (depth > 64) throw new IllegalStateException("type loop");
        if (id == 0) {
            sb.append("void ");
            return;
        }
        switch (btf.kindCode(id)) {
            case 1, 8, 16 -> sb.append(btf.name(id)).append(' ');
            case 4 -> sb.append("struct ").append(btf.name(id)).append(' ');
            case 5 -> sb.append("union ").append(btf.name(id)).append(' ');
            case 6, 19 -> sb.append("enum ").append(btf.name(id)).append(' ');
            case 3 -> {
                typeOnly(btf, btf.arrayType(id), sb, depth + 1);
                sb.append('[').append(btf.arrayNelems(id)).append(']');
            }
            case 2 -> {
                typeOnly(btf, btf.sizeOrType(id), sb, depth + 1);
                sb.append("* ");
            }
            case 7 -> sb.append(btf.kindFlag(id) ? "union " : "struct ").append(btf.name(id)).append(' ');
            case 9 -> modifier("volatile ", btf, id, sb, depth);
            case 10 -> modifier("const ", btf, id, sb, depth);
            case 11 -> modifier("restrict ", btf, id, sb, depth);
            case 13 -> func(btf, id, null, sb, depth);
            case 12 -> func(btf, btf.sizeOrType(id), btf.name(id), sb, depth);
            case 14 -> {
                if (btf.varLinkage(id) == 0) sb.append("static ");
                typeOnly(btf, btf.sizeOrType(id), sb, depth + 1);
                sb.append(' ').append(btf.name(id));
            }
            case 15 -> sb.append("section (\"").append(btf.name(id)).append("\") ");
            default -> throw new IllegalStateException("kind " + btf.kindCode(id));
        }
    }

    private static void modifier(String word, Btf btf, int id, StringBuilder sb, int depth) {
        sb.append(word);
        typeOnly(btf, btf.sizeOrType(id), sb, depth + 1);
    }

    private static void func(Btf btf, int proto, String name, StringBuilder sb, int depth) {
        typeOnly(btf, btf.sizeOrType(proto), sb, depth + 1);
        sb.append(name != null ? name + "(" : "(");
        for (int i = 0; i < btf.vlen(proto); i++) {
            if (i > 0) sb.append(", ");
            int t = btf.paramType(proto, i);
            if (t == 0) {
                sb.append("...");
                continue;
            }
            typeOnly(btf, t, sb, depth + 1);
            String p = btf.paramName(proto, i);
            if (!p.isEmpty()) sb.append(p);
            else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) == ' ') sb.setLength(sb.length() - 1);
        }
        sb.append(')');
    }
}
