package org.bpf4j;

/**
 * An extern of an object file, as libbpf collects them: an undefined ELF symbol declared in BTF
 * as an extern VAR or FUNC of the {@code .kconfig} or {@code .ksyms} DATASEC. Kconfig externs
 * have their place in the {@code .kconfig} map here (libbpf's layout: descending alignment, then
 * ascending size, then name); ksyms are resolved at load time against the running kernel.
 *
 * @param name      the symbol's name
 * @param weak      declared {@code __weak}: unresolved, it reads as zero (or its kfunc call is dead)
 * @param btfId     the VAR or FUNC in the object's BTF
 * @param kind      {@code .kconfig} or {@code .ksyms}
 * @param typeId    for a ksym, its type with modifiers and typedefs skipped (0: typeless, from
 *                  /proc/kallsyms); for a kfunc, its FUNC_PROTO; for a kconfig extern, its type
 * @param kcfg      for a kconfig extern, how its value is written
 * @param signed    for a kconfig integer, whether it is signed
 * @param size      for a kconfig extern, its size in bytes
 * @param align     for a kconfig extern, its alignment
 * @param offset    for a kconfig extern, its offset in the {@code .kconfig} map's value
 */
record Extern(String name, boolean weak, int btfId, Kind kind, int typeId, Kcfg kcfg, boolean signed, int size,
              int align, int offset) {

    enum Kind { KCONFIG, KSYM }

    /** libbpf's {@code enum kcfg_type}. */
    enum Kcfg { BOOL, CHAR, INT, TRISTATE, CHAR_ARRAY }

    /** A function: a kfunc called with {@code BPF_PSEUDO_KFUNC_CALL}. */
    boolean func(org.bpf4j.btf.Btf btf) {
        return btf.kind(btfId) == org.bpf4j.btf.BtfKind.FUNC;
    }

    Extern at(int newOffset) {
        return new Extern(name, weak, btfId, kind, typeId, kcfg, signed, size, align, newOffset);
    }

    /** How {@code prog load -v} names it: libbpf's words. */
    String describe(org.bpf4j.btf.Btf btf) {
        if (kind == Kind.KCONFIG) return "extern (kcfg) '" + name + "'";
        if (func(btf)) return "extern (func ksym) '" + name + "'";
        return typeId == 0 ? "extern (ksym) '" + name + "'" : "extern (var ksym) '" + name + "'";
    }
}
