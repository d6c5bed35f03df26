package org.bpf4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;
import org.junit.jupiter.api.Test;

/** Reachability of poisoned instructions behind constant guards, on hand-written instruction sequences. */
class DeadCodeTest {
    private static final int[] POISON = {Opcode.CALL_INSN, 0, 0, 0, CoreRelocator.POISON_IMM};
    private static final int[] EXIT = {Opcode.EXIT_INSN, 0, 0, 0, 0};

    private static int[] i(int code, int dst, int src, int off, int imm) {
        return new int[] {code, dst, src, off, imm};
    }

    private static int[] mov(int dst, int imm) {
        return i(Opcode.ALU64 | Opcode.MOV | Opcode.K, dst, 0, 0, imm);
    }

    private static Instructions prog(int[]... insns) {
        Instructions in = new Instructions(new byte[insns.length * 8]);
        for (int k = 0; k < insns.length; k++) in.set(k, insns[k][0], insns[k][1], insns[k][2], insns[k][3], insns[k][4]);
        return in;
    }

    private static BitSet reach(Instructions in) {
        return DeadCode.reachable(in, new ArrayList<>());
    }

    @Test
    void aGuardThatCameOutZeroHidesTheRead() {
        int jeqK = Opcode.JMP | Opcode.JEQ | Opcode.K;
        // r1 = 0 (field_exists); if r1 == 0 goto exit; poisoned read; exit
        assertFalse(reach(prog(mov(1, 0), i(jeqK, 1, 0, 1, 0), POISON, EXIT)).get(2));
        assertTrue(reach(prog(mov(1, 1), i(jeqK, 1, 0, 1, 0), POISON, EXIT)).get(2));
        // the value unknown (loaded from memory): both ways
        int ldx = Opcode.LDX | Opcode.MEM | Opcode.DW;
        assertTrue(reach(prog(i(ldx, 1, 2, 0, 0), i(jeqK, 1, 0, 1, 0), POISON, EXIT)).get(2));
    }

    @Test
    void constantsFlowThroughMovesAluAndLdImm64() {
        int jneK = Opcode.JMP | Opcode.JNE | Opcode.K;
        int movX = Opcode.ALU64 | Opcode.MOV | Opcode.X;
        int addK = Opcode.ALU64 | Opcode.ADD | Opcode.K;
        int andK = Opcode.ALU64 | Opcode.AND | Opcode.K;
        // r1 = 6; r2 = r1; r2 += -6; r2 &= 1; if r2 != 0 goto +1 (never); exit; poisoned
        BitSet b = reach(prog(mov(1, 6), i(movX, 2, 1, 0, 0), i(addK, 2, 0, 0, -6), i(andK, 2, 0, 0, 1),
                i(jneK, 2, 0, 1, 0), EXIT, POISON));
        assertTrue(b.get(5));
        assertFalse(b.get(6));
        // LD_IMM64 of 0 then the same guard
        int jeqK = Opcode.JMP | Opcode.JEQ | Opcode.K;
        Instructions ld = prog(i(Opcode.LD_IMM64, 1, 0, 0, 0), i(0, 0, 0, 0, 0), i(jeqK, 1, 0, 1, 0), POISON, EXIT);
        assertFalse(reach(ld).get(3));
        assertFalse(reach(ld).get(1), "the second half of LD_IMM64 is no instruction of its own");
    }

    @Test
    void jmp32ComparesTheLowHalfSigned() {
        int movK32 = Opcode.ALU | Opcode.MOV | Opcode.K;
        int jsltK32 = Opcode.JMP32 | Opcode.JSLT | Opcode.K;
        int jsltK = Opcode.JMP | Opcode.JSLT | Opcode.K;
        // w1 = -1 (zero-extended to 0xffffffff); if w1 s< 0 goto +1 -> always; as 64-bit: never
        assertFalse(reach(prog(i(movK32, 1, 0, 0, -1), i(jsltK32, 1, 0, 1, 0), POISON, EXIT)).get(2));
        assertTrue(reach(prog(i(movK32, 1, 0, 0, -1), i(jsltK, 1, 0, 1, 0), POISON, EXIT)).get(2));
    }

    @Test
    void callsClobberArgumentRegistersOnly() {
        int jeqK = Opcode.JMP | Opcode.JEQ | Opcode.K;
        int[] helper = i(Opcode.CALL_INSN, 0, 0, 0, 14);
        assertTrue(reach(prog(mov(1, 0), helper, i(jeqK, 1, 0, 1, 0), POISON, EXIT)).get(3), "r1 unknown after a call");
        assertFalse(reach(prog(mov(6, 0), helper, i(jeqK, 6, 0, 1, 0), POISON, EXIT)).get(3), "r6 survives calls");
        List<Integer> calls = new ArrayList<>();
        DeadCode.reachable(prog(i(Opcode.CALL_INSN, 0, Opcode.PSEUDO_CALL, 0, 1), EXIT, EXIT), calls);
        assertEquals(List.of(0), calls, "BPF-to-BPF calls are reported for the caller to follow");
    }

    @Test
    void pathsThatDisagreeMakeAValueUnknown() {
        int jeqK = Opcode.JMP | Opcode.JEQ | Opcode.K;
        int ldx = Opcode.LDX | Opcode.MEM | Opcode.DW;
        int ja = Opcode.JMP | Opcode.JA;
        // r2 = *mem; if r2 == 0 goto L1; r1 = 1; goto L2; L1: r1 = 0; L2: if r1 == 0 goto +1; poisoned; exit
        BitSet b = reach(prog(i(ldx, 2, 3, 0, 0), i(jeqK, 2, 0, 2, 0), mov(1, 1), i(ja, 0, 0, 1, 0), mov(1, 0),
                i(jeqK, 1, 0, 1, 0), POISON, EXIT));
        assertTrue(b.get(6));
        // both paths set 0: still dead
        BitSet same = reach(prog(i(ldx, 2, 3, 0, 0), i(jeqK, 2, 0, 2, 0), mov(1, 0), i(ja, 0, 0, 1, 0), mov(1, 0),
                i(jeqK, 1, 0, 1, 0), POISON, EXIT));
        assertFalse(same.get(6));
        assertTrue(same.get(7));
    }

    @Test
    void aPoisonedInstructionEndsItsPath() {
        BitSet b = reach(prog(POISON, mov(0, 0), EXIT));
        assertTrue(b.get(0));
        assertFalse(b.get(1), "the verifier stops at the first invalid call");
    }
}
