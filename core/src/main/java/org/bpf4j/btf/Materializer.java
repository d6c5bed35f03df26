package org.bpf4j.btf;

import java.util.List;

/** Builds the {@link BtfType} records for {@link Btf#type(int)}. */
final class Materializer {
    private Materializer() {
    }

    static BtfType type(Btf btf, int id) {
        int kind = btf.kindCode(id);
        if (id == 0) return BtfType.Void.INSTANCE;
        String name = btf.name(id);
        int sot = btf.sizeOrType(id);
        int vlen = btf.vlen(id);
        boolean kflag = btf.kindFlag(id);
        switch (kind) {
            case 1:
                return new BtfType.Int(id, name, sot, btf.intEncoding(id), btf.intBitOffset(id), btf.intBits(id));
            case 2:
                return new BtfType.Ptr(id, sot);
            case 3:
                return new BtfType.Array(id, btf.arrayType(id), btf.arrayIndexType(id), btf.arrayNelems(id));
            case 4:
            case 5: {
                BtfType.Member[] ms = new BtfType.Member[vlen];
                for (int i = 0; i < vlen; i++) {
                    ms[i] = new BtfType.Member(btf.memberName(id, i), btf.memberType(id, i), btf.memberBitOffset(id, i),
                            btf.memberBitfieldSize(id, i));
                }
                List<BtfType.Member> members = List.of(ms);
                return kind == 4 ? new BtfType.Struct(id, name, sot, members) : new BtfType.Union(id, name, sot, members);
            }
            case 6:
            case 19: {
                BtfType.EnumValue[] vs = new BtfType.EnumValue[vlen];
                for (int i = 0; i < vlen; i++) vs[i] = new BtfType.EnumValue(btf.enumName(id, i), btf.enumValue(id, i));
                return new BtfType.Enum(id, name, sot, kflag, kind == 19, List.of(vs));
            }
            case 7:
                return new BtfType.Fwd(id, name, kflag);
            case 8:
                return new BtfType.Typedef(id, name, sot);
            case 9:
                return new BtfType.Volatile(id, sot);
            case 10:
                return new BtfType.Const(id, sot);
            case 11:
                return new BtfType.Restrict(id, sot);
            case 12:
                return new BtfType.Func(id, name, sot, vlen);
            case 13: {
                BtfType.Param[] ps = new BtfType.Param[vlen];
                for (int i = 0; i < vlen; i++) ps[i] = new BtfType.Param(btf.paramName(id, i), btf.paramType(id, i));
                return new BtfType.FuncProto(id, sot, List.of(ps));
            }
            case 14:
                return new BtfType.Var(id, name, sot, btf.varLinkage(id));
            case 15: {
                BtfType.VarSecinfo[] vs = new BtfType.VarSecinfo[vlen];
                for (int i = 0; i < vlen; i++) {
                    vs[i] = new BtfType.VarSecinfo(btf.datasecVarType(id, i), btf.datasecVarOffset(id, i), btf.datasecVarSize(id, i));
                }
                return new BtfType.Datasec(id, name, sot, List.of(vs));
            }
            case 16:
                return new BtfType.Float(id, name, sot);
            case 17:
                return new BtfType.DeclTag(id, name, sot, btf.declTagComponentIdx(id));
            case 18:
                return new BtfType.TypeTag(id, name, sot);
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }
}
