package org.bpf4j.btf;

import static org.bpf4j.btf.BtfKind.Code.*;

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
            case INT:
                return new BtfType.Int(id, name, sot, btf.intEncoding(id), btf.intBitOffset(id), btf.intBits(id));
            case PTR:
                return new BtfType.Ptr(id, sot);
            case ARRAY:
                return new BtfType.Array(id, btf.arrayType(id), btf.arrayIndexType(id), btf.arrayNelems(id));
            case STRUCT:
            case UNION: {
                BtfType.Member[] ms = new BtfType.Member[vlen];
                for (int i = 0; i < vlen; i++) {
                    ms[i] = new BtfType.Member(btf.memberName(id, i), btf.memberType(id, i), btf.memberBitOffset(id, i),
                            btf.memberBitfieldSize(id, i));
                }
                List<BtfType.Member> members = List.of(ms);
                return kind == STRUCT ? new BtfType.Struct(id, name, sot, members) : new BtfType.Union(id, name, sot, members);
            }
            case ENUM:
            case ENUM64: {
                BtfType.EnumValue[] vs = new BtfType.EnumValue[vlen];
                for (int i = 0; i < vlen; i++) vs[i] = new BtfType.EnumValue(btf.enumName(id, i), btf.enumValue(id, i));
                return new BtfType.Enum(id, name, sot, kflag, kind == ENUM64, List.of(vs));
            }
            case FWD:
                return new BtfType.Fwd(id, name, kflag);
            case TYPEDEF:
                return new BtfType.Typedef(id, name, sot);
            case VOLATILE:
                return new BtfType.Volatile(id, sot);
            case CONST:
                return new BtfType.Const(id, sot);
            case RESTRICT:
                return new BtfType.Restrict(id, sot);
            case FUNC:
                return new BtfType.Func(id, name, sot, vlen);
            case FUNC_PROTO: {
                BtfType.Param[] ps = new BtfType.Param[vlen];
                for (int i = 0; i < vlen; i++) ps[i] = new BtfType.Param(btf.paramName(id, i), btf.paramType(id, i));
                return new BtfType.FuncProto(id, sot, List.of(ps));
            }
            case VAR:
                return new BtfType.Var(id, name, sot, btf.varLinkage(id));
            case DATASEC: {
                BtfType.VarSecinfo[] vs = new BtfType.VarSecinfo[vlen];
                for (int i = 0; i < vlen; i++) {
                    vs[i] = new BtfType.VarSecinfo(btf.datasecVarType(id, i), btf.datasecVarOffset(id, i), btf.datasecVarSize(id, i));
                }
                return new BtfType.Datasec(id, name, sot, List.of(vs));
            }
            case FLOAT:
                return new BtfType.Float(id, name, sot);
            case DECL_TAG:
                return new BtfType.DeclTag(id, name, sot, btf.declTagComponentIdx(id));
            case TYPE_TAG:
                return new BtfType.TypeTag(id, name, sot);
            default:
                throw new IllegalStateException("kind " + kind);
        }
    }
}
