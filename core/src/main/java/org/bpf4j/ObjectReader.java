package org.bpf4j;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.bpf4j.btf.Btf;
import org.bpf4j.btf.BtfExt;
import org.bpf4j.btf.BtfKind;
import org.bpf4j.btf.BtfType;
import org.bpf4j.btf.CoreRelo;
import org.bpf4j.btf.FuncInfo;
import org.bpf4j.btf.LineInfo;
import org.bpf4j.elf.ElfFile;
import org.bpf4j.elf.Relocation;
import org.bpf4j.elf.Section;
import org.bpf4j.elf.Symbol;

/**
 * The ELF reader behind {@link ObjectSpec#parse}: sections, programs and subprograms, BTF-defined
 * and global data maps, externs, relocations and {@code .BTF.ext} info, following libbpf's
 * conventions. One use per object file.
 */
final class ObjectReader {
    private final byte[] data;
    private final String file;
    private ElfFile elf;
    private Btf btf;
    private BtfExt btfExt;
    private final Map<String, ProgramSpec> programs = new LinkedHashMap<>();
    private final Map<String, MapSpec> maps = new LinkedHashMap<>();
    private final List<MapSpec> mapList = new ArrayList<>();
    /** For each map index, the section index and offset of its definition. */
    private final List<long[]> mapOrigins = new ArrayList<>();
    private final List<Function> functions = new ArrayList<>();
    private final Map<String, List<GlobalData.Variable>> dataVariables = new LinkedHashMap<>();
    private final List<Function.CoreSite> coreSites = new ArrayList<>();
    private final Map<Integer, ObjectSpec.DatasecFix> datasecFixes = new LinkedHashMap<>();
    private final List<Extern> externs = new ArrayList<>();
    /** Where each map of .maps lies (its symbol's offset and size) and its definition's BTF struct. */
    private final Map<String, long[]> mapExtents = new LinkedHashMap<>();
    /**
     * The largest global data section (.data, .rodata, .bss) this reader takes: its contents are
     * held in a Java array before load, and a .bss takes no room in the file that could justify
     * its size (the kernel itself accepts array values up to about 2 GB).
     */
    static final long MAX_DATA_SECTION = 64L << 20;
    private int textIndex = -1;
    private int mapsIndex = -1;

    ObjectReader(byte[] data, String file) {
        this.data = data;
        this.file = file;
    }

    private ObjectFileException bad(String section, String problem) {
        return new ObjectFileException(file, section, problem);
    }

    ObjectSpec read() {
        elf = ElfFile.parse(data, file);
        if (elf.machine() != ElfFile.EM_BPF) {
            throw bad(null, "not a BPF object (ELF machine " + elf.machine() + ", expected EM_BPF 247)");
        }
        if (elf.type() != ElfFile.ET_REL) {
            throw bad(null, "not a relocatable object (ELF type " + elf.type() + "); give the .o clang wrote");
        }
        if (elf.symbols().isEmpty()) throw bad(null, "no symbol table (stripped object?)");
        String license = null;
        int kernelVersion = 0;
        Section btfSec = null, extSec = null;
        for (Section s : elf.sections()) {
            switch (s.name()) {
                case "license" -> license = cString(elf.bytes(s));
                case "version" -> {
                    byte[] b = elf.bytes(s);
                    if (b.length != 4) throw bad("version", "must hold one u32, has " + b.length + " bytes");
                    kernelVersion = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | b[3] << 24;
                }
                case "maps" -> throw bad("maps", "legacy map definitions (struct bpf_map_def in SEC(\"maps\")) "
                        + "are not supported, as in libbpf 1.0+: declare maps with BTF in SEC(\".maps\")");
                case ".maps" -> mapsIndex = s.index();
                case ".BTF" -> btfSec = s;
                case ".BTF.ext" -> extSec = s;
                case ".text" -> textIndex = s.index();
                default -> { }
            }
        }
        if (btfSec != null) btf = Btf.parse(elf.bytes(btfSec), file + " (.BTF)");
        if (extSec != null && btf != null) btfExt = BtfExt.parse(elf.bytes(extSec), btf, file + " (.BTF.ext)");

        readFunctions();
        if (mapsIndex >= 0) readBtfMaps();
        readDataMaps();
        readExterns();
        readRelocations();
        attachExtInfo();
        if (btf != null) readDatasecFixes();

        List<Function> subprograms = new ArrayList<>();
        for (Function f : functions) {
            if (f.sectionIndex == textIndex) subprograms.add(f);
        }
        return new ObjectSpec(file, objectName(file), license, kernelVersion, btf, btfExt, programs, maps,
                subprograms, dataVariables, coreSites, datasecFixes, externs);
    }

    private static String objectName(String file) {
        String base = file;
        int slash = base.lastIndexOf('/');
        if (slash >= 0) base = base.substring(slash + 1);
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private void readFunctions() {
        for (Section s : elf.sections()) {
            if (s.type() != Section.SHT_PROGBITS || (s.flags() & Section.SHF_EXECINSTR) == 0 || s.size() == 0) {
                continue;
            }
            if (s.size() % Instructions.SIZE != 0) {
                throw bad(s.name(), "size " + s.size() + " is not a multiple of 8 (BPF instructions)");
            }
            byte[] code = elf.bytes(s);
            boolean text = s.index() == textIndex;
            String secName = s.name();
            boolean autoload = true;
            String matchName = secName;
            if (matchName.startsWith("?")) {
                autoload = false;
                matchName = matchName.substring(1);
            }
            SectionDef def = text ? null : SectionDef.find(matchName);
            List<Symbol> syms = new ArrayList<>();
            for (Symbol sym : elf.symbols()) {
                if (sym.sectionIndex() == s.index() && sym.type() == Symbol.STT_FUNC) syms.add(sym);
            }
            if (syms.isEmpty()) throw bad(secName, "code without any function symbol");
            syms.sort((x, y) -> Long.compare(x.value(), y.value()));
            for (Symbol sym : syms) {
                long off = sym.value(), size = sym.size();
                // st_value and st_size are u64: a "negative" one is beyond any section
                if (off % 8 != 0 || size % 8 != 0 || size == 0 || Long.compareUnsigned(off, code.length) > 0
                        || Long.compareUnsigned(size, code.length - off) > 0) {
                    throw bad(secName, "function '" + sym.name() + "' at offset " + Long.toUnsignedString(off)
                            + " (" + Long.toUnsignedString(size) + " bytes) does not fit the section ("
                            + code.length + " bytes)");
                }
                boolean global = sym.bind() != Symbol.STB_LOCAL;
                if (!text && !global) {
                    throw bad(secName, "program '" + sym.name() + "' is static; programs must be global "
                            + "functions (static helpers belong in .text)");
                }
                Function f = new Function(sym.name(), secName, s.index(), (int) (off / 8),
                        Instructions.of(code, (int) off, (int) (size / 8)), global);
                // as libbpf: a global function of hidden visibility (usdt.bpf.h's __weak __hidden
                // helpers) is static in the BTF the kernel gets, so it is verified with its caller's context
                if (global && (sym.visibility() == Symbol.STV_HIDDEN || sym.visibility() == Symbol.STV_INTERNAL)) {
                    f.btfStatic = true;
                }
                functions.add(f);
                if (!text) {
                    // a section libbpf does not know fails that program's load, not the object
                    SectionDef d = def != null ? def : SectionDef.guess(matchName);
                    if (d == null) d = SectionDef.unknown(secName);
                    if (programs.containsKey(sym.name())) {
                        throw bad(secName, "duplicate program name '" + sym.name() + "'");
                    }
                    programs.put(sym.name(), new ProgramSpec(sym.name(), secName, f, d, autoload));
                }
            }
        }
    }

    private void readBtfMaps() {
        Section mapsSec = elf.section(mapsIndex);
        if (btf == null) throw bad(".maps", "maps in .maps need the object's BTF; compile with clang -g");
        int ds = btf.find(".maps", BtfKind.DATASEC);
        if (ds < 0) throw bad(".maps", "no DATASEC '.maps' in the object's BTF");
        BtfType.Datasec sec = (BtfType.Datasec) btf.type(ds);
        // clang leaves offsets at 0 in objects: take them from the ELF symbols, as libbpf does
        Map<String, Long> symOffsets = new LinkedHashMap<>();
        Map<String, Long> symSizes = new LinkedHashMap<>();
        for (Symbol sym : elf.symbols()) {
            if (sym.sectionIndex() == mapsIndex && sym.type() == Symbol.STT_OBJECT) {
                symOffsets.put(sym.name(), sym.value());
                symSizes.put(sym.name(), sym.size());
            }
        }
        for (BtfType.VarSecinfo vsi : sec.vars()) {
            BtfType t = btf.type(vsi.type());
            if (!(t instanceof BtfType.Var var)) throw bad(".maps", "member of DATASEC is a " + t.kind() + ", not a VAR");
            String mapName = var.name();
            if (mapName == null || mapName.isEmpty()) throw bad(".maps", "map with an empty name");
            if (var.linkage() != 1) {
                throw bad(".maps", "map '" + mapName + "': only global maps are supported (linkage "
                        + var.linkage() + ")");
            }
            Long off = symOffsets.get(mapName);
            if (off == null) throw bad(".maps", "map '" + mapName + "' has no ELF symbol");
            int defId = btf.resolve(var.type());
            if (!(btf.type(defId) instanceof BtfType.Struct def)) {
                throw bad(".maps", "map '" + mapName + "': definition is not a struct");
            }
            MapSpec spec = new MapSpec(mapName, MapSpec.Kind.USER, ".maps");
            parseMapDef(spec, def, mapName, false);
            addMap(spec, mapsIndex, off);
            mapExtents.put(mapName, new long[] {off, symSizes.get(mapName), defId});
        }
        if (mapsSec.size() > 0 && maps.isEmpty()) throw bad(".maps", "section has data but no maps in BTF");
    }

    private void parseMapDef(MapSpec spec, BtfType.Struct def, String mapName, boolean inner) {
        for (BtfType.Member m : def.members()) {
            String f = m.name();
            switch (f) {
                case "type" -> spec.typeCode(mapInt(mapName, m));
                case "max_entries" -> spec.maxEntries(mapInt(mapName, m));
                case "map_flags" -> spec.flagBits(mapInt(mapName, m));
                case "numa_node" -> spec.numaNode(mapInt(mapName, m));
                case "key_size" -> spec.keySize(mapInt(mapName, m));
                case "value_size" -> spec.valueSize(mapInt(mapName, m));
                case "map_extra" -> spec.mapExtra(mapInt(mapName, m) & 0xffffffffL);
                case "pinning" -> {
                    if (inner) throw bad(".maps", "map '" + mapName + "': an inner map cannot be pinned");
                    int p = mapInt(mapName, m);
                    if (p != 0 && p != 1) { // LIBBPF_PIN_NONE, LIBBPF_PIN_BY_NAME
                        throw bad(".maps", "map '" + mapName + "': invalid pinning value " + p);
                    }
                    spec.pinningCode(p);
                }
                case "key" -> {
                    int id = pointee(mapName, m);
                    spec.keySize((int) btf.sizeOf(id));
                    spec.btfTypes(id, spec.btfValueTypeId());
                }
                case "value" -> {
                    int id = pointee(mapName, m);
                    spec.valueSize((int) btf.sizeOf(id));
                    spec.btfTypes(spec.btfKeyTypeId(), id);
                }
                case "values" -> {
                    MapType mt = spec.type();
                    boolean mapInMap = mt == MapType.ARRAY_OF_MAPS || mt == MapType.HASH_OF_MAPS;
                    if (inner) throw bad(".maps", "map '" + mapName + "': multi-level inner maps are not supported");
                    if (!mapInMap && mt != MapType.PROG_ARRAY) {
                        throw bad(".maps", "map '" + mapName + "': 'values' needs a map-in-map or prog array");
                    }
                    spec.valueSize(4);
                    if (mapInMap) {
                        if (!(btf.type(m.type()) instanceof BtfType.Array arr)) {
                            throw bad(".maps", "map '" + mapName + "': 'values' is not an array");
                        }
                        int p = btf.resolve(arr.elemType());
                        if (!(btf.type(p) instanceof BtfType.Ptr ptr)
                                || !(btf.type(btf.resolve(ptr.type())) instanceof BtfType.Struct innerDef)) {
                            throw bad(".maps", "map '" + mapName + "': inner map definition is not a struct");
                        }
                        MapSpec innerSpec = new MapSpec(mapName + ".inner", MapSpec.Kind.USER, ".maps");
                        parseMapDef(innerSpec, innerDef, mapName + ".inner", true);
                        spec.innerMap(innerSpec);
                    }
                }
                default -> throw bad(".maps", "map '" + mapName + "': unknown field '" + f + "'");
            }
        }
        if (spec.typeCode() == 0) throw bad(".maps", "map '" + mapName + "': map type isn't specified");
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}: a pointer to an array of N elements. */
    private int mapInt(String mapName, BtfType.Member m) {
        BtfType t = btf.type(btf.resolve(m.type()));
        if (t instanceof BtfType.Ptr p) {
            BtfType a = btf.type(btf.resolve(p.type()));
            if (a instanceof BtfType.Array arr) return arr.nelems();
        }
        throw bad(".maps", "map '" + mapName + "': field '" + m.name()
                + "' is not of the __uint(name, value) form (a pointer to an array)");
    }

    private int pointee(String mapName, BtfType.Member m) {
        BtfType t = btf.type(btf.resolve(m.type()));
        if (t instanceof BtfType.Ptr p) return p.type();
        throw bad(".maps", "map '" + mapName + "': field '" + m.name()
                + "' is not of the __type(name, T) form (a pointer)");
    }

    private void addMap(MapSpec spec, int sectionIndex, long offset) {
        if (maps.containsKey(spec.name())) throw bad(spec.section(), "duplicate map name '" + spec.name() + "'");
        maps.put(spec.name(), spec);
        mapList.add(spec);
        mapOrigins.add(new long[] {sectionIndex, offset});
    }

    private void readDataMaps() {
        for (Section s : elf.sections()) {
            String n = s.name();
            MapSpec.Kind kind;
            if ((n.equals(".data") || n.startsWith(".data.")) && s.type() == Section.SHT_PROGBITS) kind = MapSpec.Kind.DATA;
            else if ((n.equals(".rodata") || n.startsWith(".rodata.")) && s.type() == Section.SHT_PROGBITS) kind = MapSpec.Kind.RODATA;
            else if ((n.equals(".bss") || n.startsWith(".bss.")) && s.type() == Section.SHT_NOBITS) kind = MapSpec.Kind.BSS;
            else continue;
            if ((s.flags() & Section.SHF_EXECINSTR) != 0 || s.size() == 0) continue;
            if (Long.compareUnsigned(s.size(), MAX_DATA_SECTION) > 0) {
                throw bad(n, Long.toUnsignedString(s.size()) + " bytes of global data: bpf4j holds at most "
                        + MAX_DATA_SECTION + " bytes (" + (MAX_DATA_SECTION >> 20) + " MiB) of a data section in memory; "
                        + "declare a large buffer as an array map in .maps instead");
            }
            MapSpec spec = new MapSpec(n, kind, n);
            spec.type(MapType.ARRAY).keySize(4).valueSize((int) s.size());
            spec.maxEntriesInternal(1);
            byte[] contents = kind == MapSpec.Kind.BSS ? new byte[(int) s.size()] : elf.bytes(s);
            spec.contents(contents);
            int flags = kind == MapSpec.Kind.RODATA ? MapSpec.F_RDONLY_PROG : 0;
            List<GlobalData.Variable> vars = dataVariables(s);
            dataVariables.put(n, vars);
            int dsId = btf == null ? -1 : btf.find(n, BtfKind.DATASEC);
            if (dsId > 0) spec.btfTypes(0, dsId);
            boolean anyGlobal = false;
            for (GlobalData.Variable v : vars) anyGlobal |= v.btfTypeId() >= 0;
            if (dsId > 0 && anyGlobal) flags |= MapSpec.F_MMAPABLE;
            spec.flagBits(flags);
            addMap(spec, s.index(), 0);
        }
    }

    /** Variables of a data section from its BTF DATASEC, with offsets from the ELF symbols. */
    private List<GlobalData.Variable> dataVariables(Section s) {
        List<GlobalData.Variable> vars = new ArrayList<>();
        if (btf == null) return vars;
        int ds = btf.find(s.name(), BtfKind.DATASEC);
        if (ds < 0) return vars;
        Map<String, Symbol> syms = new LinkedHashMap<>();
        for (Symbol sym : elf.symbols()) {
            if (sym.sectionIndex() == s.index() && sym.type() == Symbol.STT_OBJECT) syms.put(sym.name(), sym);
        }
        for (BtfType.VarSecinfo vsi : ((BtfType.Datasec) btf.type(ds)).vars()) {
            if (!(btf.type(vsi.type()) instanceof BtfType.Var var)) continue;
            Symbol sym = syms.get(var.name());
            long offset = sym != null ? sym.value() : vsi.offset();
            boolean hidden = sym != null && (sym.visibility() == 1 || sym.visibility() == 2);
            long size = vsi.size() != 0 ? Integer.toUnsignedLong(vsi.size()) : btf.sizeOf(var.type());
            if (Long.compareUnsigned(offset, s.size()) > 0 || size < 0 || Long.compareUnsigned(size, s.size() - offset) > 0) {
                throw bad(s.name(), "variable '" + var.name() + "' at " + Long.toUnsignedString(offset) + " (+" + size
                        + ") lies outside the section");
            }
            boolean exposed = var.linkage() != 0 && !hidden;
            vars.add(new GlobalData.Variable(var.name(), (int) offset, (int) size, exposed ? var.type() : -1,
                    isSigned(var.type())));
        }
        vars.sort((x, y) -> Integer.compare(x.offset(), y.offset()));
        return vars;
    }

    private boolean isSigned(int typeId) {
        BtfType t = btf.type(btf.resolve(typeId));
        if (t instanceof BtfType.Int i) return (i.encoding() & BtfType.Int.SIGNED) != 0;
        if (t instanceof BtfType.Enum e) return e.signed();
        return false;
    }

    private int mapIndexAt(int sectionIndex, long offset) {
        for (int i = 0; i < mapList.size(); i++) {
            long[] o = mapOrigins.get(i);
            if (o[0] == sectionIndex && o[1] == offset) return i;
        }
        return -1;
    }

    private int dataMapIndex(int sectionIndex) {
        for (int i = 0; i < mapList.size(); i++) {
            if (mapOrigins.get(i)[0] == sectionIndex && mapList.get(i).kind() != MapSpec.Kind.USER) return i;
        }
        return -1;
    }

    private Function functionAt(int sectionIndex, int insn) {
        for (Function f : functions) {
            if (f.sectionIndex == sectionIndex && f.contains(insn)) return f;
        }
        return null;
    }

    private void readRelocations() {
        for (Section rel : elf.sections()) {
            if (rel.type() != Section.SHT_REL) continue;
            Section target = elf.section(rel.info());
            if (target == null) {
                // as libbpf's bpf_object__elf_collect: a relocation of no section is a format error
                throw bad(rel.name(), "relocations for section #" + Integer.toUnsignedString(rel.info())
                        + ", which does not exist (" + elf.sections().size() + " sections)");
            }
            if (target != null && target.index() == mapsIndex && mapsIndex >= 0) {
                for (Relocation r : elf.relocations(rel)) readMapRelocation(r);
                continue;
            }
            if (target == null || (target.flags() & Section.SHF_EXECINSTR) == 0) continue; // .rel.BTF etc.
            for (Relocation r : elf.relocations(rel)) {
                readRelocation(target, r);
            }
        }
        // sort each function's relocations by instruction
        for (Function f : functions) f.relocs.sort((x, y) -> Integer.compare(x.insn(), y.insn()));
    }

    private void readRelocation(Section target, Relocation r) {
        String sec = target.name();
        if (r.offset() % 8 != 0) throw bad(sec, "relocation at unaligned offset " + r.offset());
        int secInsn = (int) (r.offset() / 8);
        Function f = functionAt(target.index(), secInsn);
        if (f == null) throw bad(sec, "relocation at offset " + r.offset() + " outside any function");
        int insn = secInsn - f.sectionInsnOffset;
        Instructions in = f.insns;
        if (r.symbol() <= 0 || r.symbol() >= elf.symbols().size()) {
            throw bad(sec, "relocation at offset " + r.offset() + " has bad symbol index " + r.symbol());
        }
        Symbol sym = elf.symbols().get(r.symbol());
        String symName = sym.type() == Symbol.STT_SECTION && sym.sectionIndex() > 0
                && elf.section(sym.sectionIndex()) != null
                ? elf.section(sym.sectionIndex()).name() : sym.name();
        String where = "program '" + f.name + "' instruction " + insn;
        boolean call = in.code(insn) == Opcode.CALL_INSN;
        if (!call && !in.isLdImm64(insn)) {
            throw bad(sec, where + ": relocation against '" + symName + "' on an instruction that is neither "
                    + "a call nor a 64-bit immediate load (code 0x" + Integer.toHexString(in.code(insn)) + ")");
        }
        if (sym.sectionIndex() == Symbol.SHN_UNDEF) {
            int idx = externIndex(sym.name());
            if (idx < 0) throw bad(sec, where + ": reference to undefined symbol '" + sym.name() + "'");
            f.relocs.add(new Function.Reloc(insn, call ? Function.Reloc.Type.EXTERN_CALL
                    : Function.Reloc.Type.EXTERN_LD64, sym.name(), idx, 0));
            return;
        }
        if (call) {
            if (in.src(insn) != Opcode.PSEUDO_CALL) throw bad(sec, where + ": call relocation on a helper call");
            if (sym.sectionIndex() != textIndex) {
                throw bad(sec, where + ": call of '" + symName + "' outside .text; subprograms live in .text");
            }
            if (sym.value() % 8 != 0) throw bad(sec, where + ": call target '" + symName + "' is misaligned");
            long targetInsn = sym.value() / 8 + in.imm(insn) + 1;
            f.relocs.add(new Function.Reloc(insn, Function.Reloc.Type.CALL, symName, -1, targetInsn));
            return;
        }
        if (sym.sectionIndex() >= 0xff00) {
            throw bad(sec, where + ": relocation against '" + symName + "' in a special section; "
                    + "uninitialized global variable?");
        }
        if (sym.sectionIndex() == textIndex
                && (sym.type() == Symbol.STT_FUNC || sym.type() == Symbol.STT_SECTION)) {
            if (sym.value() % 8 != 0 || in.imm(insn) % 8 != 0) {
                throw bad(sec, where + ": misaligned subprogram address of '" + symName + "'");
            }
            long targetInsn = (sym.value() + in.imm(insn)) / 8;
            f.relocs.add(new Function.Reloc(insn, Function.Reloc.Type.FUNC_ADDR, symName, -1, targetInsn));
            return;
        }
        if (sym.sectionIndex() == mapsIndex) {
            int idx = mapIndexAt(mapsIndex, sym.value());
            if (idx < 0) throw bad(sec, where + ": no map at offset " + sym.value() + " of .maps ('" + symName + "')");
            f.relocs.add(new Function.Reloc(insn, Function.Reloc.Type.MAP_FD, symName, idx, 0));
            return;
        }
        int idx = dataMapIndex(sym.sectionIndex());
        if (idx < 0) {
            Section symSection = elf.section(sym.sectionIndex());
            throw bad(sec, where + ": relocation against '" + symName + "' in section "
                    + (symSection == null ? "#" + sym.sectionIndex() + " (no such section)" : symSection.name())
                    + ", which is neither a map nor global data");
        }
        long offset = (long) in.imm(insn) + sym.value();
        f.relocs.add(new Function.Reloc(insn, Function.Reloc.Type.MAP_VALUE, symName, idx, offset));
    }

    /**
     * libbpf's bpf_object__collect_map_relos: a pointer in the {@code values} initializer of
     * a program array (to an entry-point program) or of a map-in-map (to a map of .maps).
     */
    private void readMapRelocation(Relocation r) {
        if (r.symbol() <= 0 || r.symbol() >= elf.symbols().size()) {
            throw bad(".maps", "relocation at offset " + r.offset() + " has bad symbol index " + r.symbol());
        }
        Symbol sym = elf.symbols().get(r.symbol());
        String name = sym.name();
        String outer = null;
        long[] ext = null;
        for (Map.Entry<String, long[]> e : mapExtents.entrySet()) {
            long[] x = e.getValue();
            if (x[0] <= r.offset() && r.offset() + 8 <= x[0] + x[1]) {
                outer = e.getKey();
                ext = x;
                break;
            }
        }
        if (outer == null) throw bad(".maps", "relocation against '" + name + "' at offset " + r.offset() + " lies in no map");
        MapSpec spec = maps.get(outer);
        MapType mt = spec.type();
        String where = "map '" + outer + "': initial value '" + name + "'";
        if (mt == MapType.ARRAY_OF_MAPS || mt == MapType.HASH_OF_MAPS) {
            if (sym.sectionIndex() != mapsIndex || !maps.containsKey(name)) throw bad(".maps", where + " isn't a map of .maps");
            if (mt == MapType.HASH_OF_MAPS && spec.keySize() != 4) {
                throw bad(".maps", "map '" + outer + "': a hash of maps with initial values needs 4-byte keys");
            }
        } else if (mt == MapType.PROG_ARRAY) {
            ProgramSpec p = programs.get(name);
            if (p == null || elf.section(sym.sectionIndex()) == null
                    || !elf.section(sym.sectionIndex()).name().equals(p.section())
                    || sym.value() != (long) p.function().sectionInsnOffset * 8) {
                throw bad(".maps", where + " isn't an entry-point program");
            }
        } else {
            throw bad(".maps", where + ": only program arrays and maps of maps take initial values");
        }
        BtfType.Struct def = (BtfType.Struct) btf.type((int) ext[2]);
        BtfType.Member last = def.members().isEmpty() ? null : def.members().get(def.members().size() - 1);
        if (last == null || !"values".equals(last.name())) throw bad(".maps", "map '" + outer + "': initial values without a 'values' member");
        long moff = r.offset() - ext[0] - last.bitOffset() / 8;
        if (moff < 0 || moff % 8 != 0) throw bad(".maps", where + " is not at a slot of 'values'");
        int slot = (int) (moff / 8);
        if (slot >= spec.maxEntries()) {
            throw bad(".maps", where + " is in slot " + slot + ", beyond max_entries " + spec.maxEntries());
        }
        spec.initialValue(slot, name);
    }

    private int externIndex(String name) {
        for (int i = 0; i < externs.size(); i++) if (externs.get(i).name().equals(name)) return i;
        return -1;
    }

    /** libbpf's bpf_object__collect_externs: every undefined global symbol, with its BTF. */
    private void readExterns() {
        List<Extern> kcfg = new ArrayList<>(), ksym = new ArrayList<>();
        for (Symbol sym : elf.symbols()) {
            if (sym.sectionIndex() != Symbol.SHN_UNDEF || sym.type() != Symbol.STT_NOTYPE
                    || (sym.bind() != Symbol.STB_GLOBAL && sym.bind() != Symbol.STB_WEAK) || sym.name().isEmpty()) {
                continue;
            }
            String name = sym.name();
            if (btf == null) throw bad(null, "extern '" + name + "' needs the object's BTF; compile with clang -g");
            int id = externBtfId(name);
            if (id <= 0) throw bad(".BTF", "no BTF for extern '" + name + "' (an extern VAR or FUNC)");
            String secName = externSection(id);
            if (secName == null) throw bad(".BTF", "extern '" + name + "' is in no DATASEC");
            boolean weak = sym.bind() == Symbol.STB_WEAK;
            boolean func = btf.kind(id) == BtfKind.FUNC;
            int type = btf.sizeOrType(id);
            switch (secName) {
                case ObjectSpec.KCONFIG -> {
                    if (func) throw bad(".BTF", "extern function '" + name + "' is unsupported under .kconfig");
                    long size = btf.sizeOf(type);
                    int align = btf.alignOf(type);
                    if (size <= 0 || size > MAX_DATA_SECTION || align <= 0) {
                        throw bad(".BTF", "extern (kcfg) '" + name + "': impossible size " + size + " or alignment "
                                + align + " of type " + btf.describe(type));
                    }
                    boolean[] signed = new boolean[1];
                    Extern.Kcfg k = kcfgType(type, signed);
                    if (k == null) {
                        throw bad(".BTF", "extern (kcfg) '" + name + "': type " + btf.describe(type) + " is unsupported "
                                + "(bool, char, an integer of 1, 2, 4 or 8 bytes, enum libbpf_tristate, char[N])");
                    }
                    kcfg.add(new Extern(name, weak, id, Extern.Kind.KCONFIG, type, k, signed[0], (int) size, align, -1));
                }
                case ".ksyms" -> ksym.add(new Extern(name, weak, id, Extern.Kind.KSYM, btf.skipModifiers(type) == 0
                        ? 0 : skipTypedefs(type), null, false, 0, 0, -1));
                default -> throw bad(".BTF", "extern '" + name + "' is in DATASEC " + secName
                        + "; externs live in .kconfig (__kconfig) or .ksyms (__ksym)");
            }
        }
        kcfg.sort((a, b) -> a.align() != b.align() ? Integer.compare(b.align(), a.align())
                : a.size() != b.size() ? Integer.compare(a.size(), b.size()) : a.name().compareTo(b.name()));
        ksym.sort((a, b) -> a.name().compareTo(b.name()));
        long end = 0;
        for (Extern e : kcfg) {
            end = (end + e.align() - 1) / e.align() * e.align();
            externs.add(e.at((int) end));
            end += e.size();
            if (end > MAX_DATA_SECTION) {
                throw bad(".BTF", "the kconfig externs need " + end + " bytes, more than a data section may hold ("
                        + MAX_DATA_SECTION + ")");
            }
        }
        int off = (int) end;
        externs.addAll(ksym);
        if (!kcfg.isEmpty()) {
            MapSpec spec = new MapSpec(ObjectSpec.KCONFIG, MapSpec.Kind.KCONFIG, ObjectSpec.KCONFIG);
            spec.type(MapType.ARRAY).keySize(4).valueSize(off);
            spec.maxEntriesInternal(1);
            spec.contents(new byte[off]);
            spec.flagBits(MapSpec.F_RDONLY_PROG | MapSpec.F_MMAPABLE);
            spec.btfTypes(0, btf.find(ObjectSpec.KCONFIG, BtfKind.DATASEC));
            List<GlobalData.Variable> vars = new ArrayList<>();
            for (Extern e : externs) {
                if (e.kind() == Extern.Kind.KCONFIG) {
                    vars.add(new GlobalData.Variable(e.name(), e.offset(), e.size(), e.typeId(), e.signed()));
                }
            }
            dataVariables.put(ObjectSpec.KCONFIG, vars);
            addMap(spec, -1, 0);
        }
    }

    private int skipTypedefs(int id) {
        int t = btf.skipModifiers(id);
        while (btf.kind(t) == BtfKind.TYPEDEF) t = btf.skipModifiers(btf.sizeOrType(t));
        return t;
    }

    /** The extern VAR or FUNC called {@code name}, or -1. */
    private int externBtfId(String name) {
        for (int id : btf.findAll(name)) {
            if (btf.kind(id) == BtfKind.VAR && btf.varLinkage(id) == 2) return id;
            if (btf.kind(id) == BtfKind.FUNC && btf.funcLinkage(id) == 2) return id;
        }
        return -1;
    }

    private String externSection(int varId) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) != BtfKind.DATASEC) continue;
            for (BtfType.VarSecinfo v : ((BtfType.Datasec) btf.type(id)).vars()) {
                if (v.type() == varId) return btf.name(id);
            }
        }
        return null;
    }

    /** libbpf's find_kcfg_type. */
    private Extern.Kcfg kcfgType(int id, boolean[] signed) {
        int t = skipTypedefs(id);
        BtfType type = btf.type(t);
        if (type instanceof BtfType.Int i) {
            if ((i.encoding() & BtfType.Int.BOOL) != 0) return i.size() == 1 ? Extern.Kcfg.BOOL : null;
            signed[0] = (i.encoding() & BtfType.Int.SIGNED) != 0;
            if (i.size() == 1) return Extern.Kcfg.CHAR;
            int sz = i.size();
            return sz == 2 || sz == 4 || sz == 8 ? Extern.Kcfg.INT : null;
        }
        if (type instanceof BtfType.Enum e) {
            if (!"libbpf_tristate".equals(e.name()) || !e.is64() && e.size() != 4) return null;
            return Extern.Kcfg.TRISTATE;
        }
        if (type instanceof BtfType.Array a) {
            if (a.nelems() == 0) return null;
            return kcfgType(a.elemType(), new boolean[1]) == Extern.Kcfg.CHAR ? Extern.Kcfg.CHAR_ARRAY : null;
        }
        return null;
    }

    private void readDatasecFixes() {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) != BtfKind.DATASEC) continue;
            String name = btf.name(id);
            if (name.equals(".kconfig") || name.equals(".ksyms")) continue;
            Section s = elf.section(name);
            if (s == null) continue;
            BtfType.Datasec ds = (BtfType.Datasec) btf.type(id);
            int[] offsets = new int[ds.vars().size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = -1;
                if (!(btf.type(ds.vars().get(i).type()) instanceof BtfType.Var var)) continue;
                if (var.linkage() == 0 || var.linkage() == 2) continue; // static, extern: as libbpf
                for (Symbol sym : elf.symbols()) {
                    if (sym.sectionIndex() == s.index() && var.name().equals(sym.name())
                            && (sym.type() == Symbol.STT_OBJECT || sym.type() == Symbol.STT_NOTYPE)) {
                        offsets[i] = (int) sym.value();
                        break;
                    }
                }
            }
            datasecFixes.put(id, new ObjectSpec.DatasecFix((int) s.size(), offsets));
        }
    }

    private void attachExtInfo() {
        if (btfExt == null) return;
        Map<String, Integer> secIndex = new LinkedHashMap<>();
        for (Section s : elf.sections()) secIndex.putIfAbsent(s.name(), s.index());
        for (Map.Entry<String, List<FuncInfo>> e : btfExt.funcInfos().entrySet()) {
            Integer si = secIndex.get(e.getKey());
            if (si == null) continue;
            for (FuncInfo fi : e.getValue()) {
                Function f = functionAt(si, fi.insnOffset() / 8);
                if (f == null) throw bad(".BTF.ext", "func_info at " + e.getKey() + "+" + fi.insnOffset() + " outside any function");
                f.funcInfos.add(new FuncInfo(fi.insnOffset() / 8 - f.sectionInsnOffset, fi.typeId()));
            }
        }
        for (Map.Entry<String, List<LineInfo>> e : btfExt.lineInfos().entrySet()) {
            Integer si = secIndex.get(e.getKey());
            if (si == null) continue;
            for (LineInfo li : e.getValue()) {
                Function f = functionAt(si, li.insnOffset() / 8);
                if (f == null) continue;
                f.lineInfos.add(new LineInfo(li.insnOffset() / 8 - f.sectionInsnOffset, li.fileNameOffset(),
                        li.lineOffset(), li.lineCol(), li.fileName(), li.line()));
            }
        }
        for (Map.Entry<String, List<CoreRelo>> e : btfExt.coreRelos().entrySet()) {
            Integer si = secIndex.get(e.getKey());
            if (si == null) continue;
            int index = 0;
            for (CoreRelo cr : e.getValue()) {
                if (cr.insnOffset() % 8 != 0) {
                    throw bad(".BTF.ext", "CO-RE relocation #" + index + " of " + e.getKey() + " at unaligned offset " + cr.insnOffset());
                }
                Function f = functionAt(si, cr.insnOffset() / 8);
                // libbpf skips relocations of eliminated weak subprograms the same way
                if (f != null) coreSites.add(new Function.CoreSite(f, cr.insnOffset() / 8 - f.sectionInsnOffset, cr, index));
                index++;
            }
        }
    }
}
