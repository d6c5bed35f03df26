package org.bpf4j.btf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.bpf4j.elf.ElfFile;

/**
 * A kernel BTF trimmed to what CO-RE relocations of some objects can look at, written with
 * {@link BtfBuilder}, for checked-in test fixtures (core/src/test/resources/fixtures/core/REL.btf.gz,
 * made by {@code scripts/core-oracle --update-fixtures}).
 *
 * <p>Type ids do not change (target_type_id answers and the ids in explanations stay valid): every
 * type is kept at its id, in one of three forms.
 * <ul>
 *   <li>whole: the candidates, i.e. every named type whose essential name (without a
 *       {@code ___flavor} suffix) is the essential name of a relocation's local root type, and
 *       everything they reach other than through a pointer;
 *   <li>shell: a struct, union or enum reached only through a pointer keeps its kind, name and size
 *       but no members (CO-RE compares only the names and kinds of pointees); modifiers, typedefs,
 *       arrays and function prototypes on the way are whole;
 *   <li>placeholder: every other type becomes an anonymous {@code void *} (12 bytes, never a candidate:
 *       CO-RE searches candidates by name).
 * </ul>
 * The string section holds only the names kept. Tests prove that libbpf's and bpf4j's answers do
 * not change (CoreDifferentialTest).
 */
public final class BtfTrim {
    private BtfTrim() {}

    private static final int PLACEHOLDER = 0, SHELL = 1, WHOLE = 2;

    /** The essential names of the local root types of every CO-RE relocation of {@code objects}. */
    public static Set<String> rootNames(Collection<Path> objects) {
        Set<String> names = new TreeSet<>();
        for (Path object : objects) {
            Btf local = Btf.parse(ElfFile.readSection(object, ".BTF"), object.toString());
            BtfExt ext = BtfExt.parse(ElfFile.readSection(object, ".BTF.ext"), local, object.toString());
            for (List<CoreRelo> relos : ext.coreRelos().values()) {
                for (CoreRelo r : relos) {
                    String name = local.name(r.typeId());
                    if (!name.isEmpty()) names.add(name.substring(0, Btf.essentialNameLength(name)));
                }
            }
        }
        return names;
    }

    /** {@code full} trimmed for relocations whose local root types have these essential names. */
    public static byte[] trim(Btf full, Set<String> rootNames) {
        List<Integer> roots = new ArrayList<>();
        for (int id = 1; id < full.typeCount(); id++) {
            String name = full.name(id);
            if (!name.isEmpty() && rootNames.contains(name.substring(0, Btf.essentialNameLength(name)))) roots.add(id);
        }
        return trim(full, roots);
    }

    /**
     * {@code full} trimmed for {@code bpf4j btf dump --type SPEC...} (scripts/gen-vmlinux-h): the roots
     * are the types named by the specs (NAME or NAME:members) and the enums with an enumerator so named.
     */
    public static byte[] trimForTypes(Btf full, Collection<String> specs) {
        Set<String> names = new TreeSet<>();
        for (String spec : specs) names.add(spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec);
        List<Integer> roots = new ArrayList<>();
        for (int id = 1; id < full.typeCount(); id++) {
            BtfKind kind = full.kind(id);
            if (kind == BtfKind.FUNC || kind == BtfKind.VAR || kind == BtfKind.DATASEC || kind == BtfKind.DECL_TAG) continue;
            boolean root = names.contains(full.name(id));
            for (int i = 0; !root && (kind == BtfKind.ENUM || kind == BtfKind.ENUM64) && i < full.vlen(id); i++) {
                root = names.contains(full.enumName(id, i));
            }
            if (root) roots.add(id);
        }
        return trim(full, roots);
    }

    private static byte[] trim(Btf full, List<Integer> roots) {
        if (full.base() != null) throw new IllegalArgumentException(full.origin() + ": split BTF");
        int n = full.typeCount();
        int[] form = new int[n];
        Deque<int[]> work = new ArrayDeque<>(); // {id, form}
        for (int id : roots) work.push(new int[] {id, WHOLE});
        while (!work.isEmpty()) {
            int[] w = work.pop();
            int id = w[0], f = w[1];
            if (id == 0 || form[id] >= f) continue;
            form[id] = f;
            BtfKind kind = full.kind(id);
            // a shell has no members: nothing to follow
            if (f == SHELL && (kind.isComposite() || kind == BtfKind.ENUM || kind == BtfKind.ENUM64)) continue;
            for (int ref : refs(full, id)) {
                work.push(new int[] {ref, kind == BtfKind.PTR || f == SHELL ? SHELL : WHOLE});
            }
        }
        BtfBuilder b = BtfBuilder.from(Btf.parse(EMPTY, "empty"));
        for (int id = 1; id < n; id++) {
            BtfKind kind = full.kind(id);
            boolean shell = form[id] == SHELL && (kind.isComposite() || kind == BtfKind.ENUM || kind == BtfKind.ENUM64);
            if (form[id] == PLACEHOLDER) {
                b.addType(0, BtfKind.PTR, 0, false, 0);
            } else if (shell) {
                b.addType(b.addString(full.name(id)), kind, 0, full.kindFlag(id), full.sizeOrType(id));
            } else {
                int vlen = full.vlen(id);
                int[] tail = new int[(Btf.recordSize(kind.code(), vlen) - Btf.TYPE_HEADER) / 4];
                for (int i = 0; i < tail.length; i++) tail[i] = full.word(id, i);
                int stride = switch (kind) {
                    case STRUCT, UNION, ENUM64 -> 3;
                    case ENUM, FUNC_PROTO -> 2;
                    default -> 0;
                };
                // the names in the tail: members', enumerators', parameters' (the first word of each entry)
                if (stride > 0) {
                    for (int i = 0; i < vlen; i++) tail[i * stride] = b.addString(full.string(tail[i * stride]));
                }
                b.addType(b.addString(full.name(id)), kind, vlen, full.kindFlag(id), full.sizeOrType(id), tail);
            }
        }
        byte[] out = b.build();
        Btf.parse(out, "trimmed " + full.origin()); // validates
        return out;
    }

    /** The types a type refers to. */
    private static List<Integer> refs(Btf btf, int id) {
        List<Integer> out = new ArrayList<>();
        BtfKind kind = btf.kind(id);
        switch (kind) {
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> out.add(btf.sizeOrType(id));
            case ARRAY -> {
                out.add(btf.arrayType(id));
                out.add(btf.arrayIndexType(id));
            }
            case STRUCT, UNION -> {
                for (int i = 0; i < btf.vlen(id); i++) out.add(btf.memberType(id, i));
            }
            case FUNC_PROTO -> {
                out.add(btf.sizeOrType(id));
                for (int i = 0; i < btf.vlen(id); i++) out.add(btf.paramType(id, i));
            }
            case INT, ENUM, ENUM64, FWD, FLOAT -> { }
            default -> throw new IllegalArgumentException(btf.origin() + ": type " + id + " (" + kind
                    + ") cannot be a CO-RE candidate or part of one");
        }
        return out;
    }

    /** A BTF without types: the builder's starting point. */
    private static final byte[] EMPTY = {(byte) 0x9f, (byte) 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 1, 0, 0, 0, 0};

    /** Raw BTF from a gzip file (the fixtures' form). */
    public static byte[] gunzip(Path gz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(gz.toString(), e);
        }
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * {@code BtfTrim FULL.btf OUT.btf.gz OBJECT...}: writes FULL trimmed for the objects' CO-RE
     * relocations, gzip-compressed (scripts/core-oracle --update-fixtures). {@code BtfTrim --types
     * FULL.btf OUT.btf.gz TYPE...}: trimmed for {@code btf dump --type} (scripts/gen-vmlinux-h).
     */
    public static void main(String[] args) throws IOException {
        boolean types = args.length > 0 && args[0].equals("--types");
        int first = types ? 1 : 0;
        if (args.length < first + 3) {
            System.err.println("usage: BtfTrim FULL.btf OUT.btf.gz OBJECT...\n       BtfTrim --types FULL.btf OUT.btf.gz TYPE...");
            System.exit(2);
        }
        List<String> rest = List.of(args).subList(first + 2, args.length);
        Btf full = Btf.read(Path.of(args[first]));
        byte[] trimmed = types ? trimForTypes(full, rest) : trim(full, rootNames(rest.stream().map(Path::of).toList()));
        Files.write(Path.of(args[first + 1]), gzip(trimmed));
    }
}
