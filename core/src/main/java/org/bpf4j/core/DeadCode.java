package org.bpf4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.bpf4j.asm.Instructions;
import org.bpf4j.asm.Opcode;

/**
 * Which instructions of a relocated function the verifier can reach, as far as constant
 * registers decide branches: the way CO-RE guards work ({@code if (bpf_core_field_exists(...))}
 * compiles to {@code r1 = <relocated 0 or 1>; if r1 == 0 goto ...}, and the verifier never visits
 * the branch a known constant rules out, so a poisoned instruction there is harmless).
 *
 * <p>A forward dataflow over the function's control flow: each register is unknown or a known
 * 64-bit constant (from MOV and LD_IMM64 of immediates, and ALU operations on known values);
 * conditional jumps on known values take one way only. Loads, calls and everything else make
 * their destination unknown, so the result errs on the side of "reachable". The function is
 * entered with every register unknown (the verifier knows more, never less, about a caller's
 * arguments). A poisoned instruction ends its path (the verifier rejects it there).
 */
public final class DeadCode {
    private DeadCode() {}

    private static final int REGS = 11;

    /** Register state: known mask (bit r) and values. */
    private record State(int known, long[] vals) {
        static final State ENTRY = new State(0, new long[REGS]);

        State set(int r, long v) {
            long[] nv = vals.clone();
            nv[r] = v;
            return new State(known | 1 << r, nv);
        }

        State unknown(int r) {
            if ((known & 1 << r) == 0) return this;
            return new State(known & ~(1 << r), vals);
        }

        State unknown(int from, int to) {
            int mask = 0;
            for (int r = from; r <= to; r++) mask |= 1 << r;
            return (known & mask) == 0 ? this : new State(known & ~mask, vals);
        }

        boolean isKnown(int r) {
            return (known & 1 << r) != 0;
        }

        /** The join: known only where both are known and agree; null if nothing changed for {@code this}. */
        State join(State o) {
            int k = known & o.known;
            for (int r = 0; r < REGS; r++) if ((k & 1 << r) != 0 && vals[r] != o.vals[r]) k &= ~(1 << r);
            return k == known ? null : new State(k, vals);
        }
    }

    /**
     * The instructions reachable from instruction 0 of {@code insns}.
     *
     * @param insns the program's instructions
     * @param calls receives the indexes of reachable BPF-to-BPF calls and of LD_IMM64 instructions
     *              that take a subprogram's address (callbacks): the functions they reach are
     *              reachable too (the caller analyzes them from their own entry)
     * @return the reachable instruction indexes
     */
    public static BitSet reachable(Instructions insns, List<Integer> calls) {
        int n = insns.count();
        State[] in = new State[n];
        BitSet seen = new BitSet(n);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        in[0] = State.ENTRY;
        work.add(0);
        List<Integer> succ = new ArrayList<>(2);
        List<State> succState = new ArrayList<>(2);
        while (!work.isEmpty()) {
            int i = work.poll();
            State s = in[i];
            seen.set(i);
            succ.clear();
            succState.clear();
            step(insns, i, s, succ, succState, calls);
            for (int j = 0; j < succ.size(); j++) {
                int t = succ.get(j);
                if (t < 0 || t >= n) continue;
                State ts = succState.get(j);
                if (in[t] == null) {
                    in[t] = ts;
                    work.add(t);
                } else {
                    State joined = in[t].join(ts);
                    if (joined != null) {
                        in[t] = joined;
                        work.add(t);
                    }
                }
            }
        }
        return seen;
    }

    private static void step(Instructions in, int i, State s, List<Integer> succ, List<State> st, List<Integer> calls) {
        int code = in.code(i);
        int cls = Opcode.insnClass(code);
        int dst = in.dst(i), src = in.src(i);
        switch (cls) {
            case Opcode.ALU, Opcode.ALU64 -> {
                succ.add(i + 1);
                st.add(alu(in, i, s, cls == Opcode.ALU64));
            }
            case Opcode.LD -> {
                if (code == Opcode.LD_IMM64 && i + 1 < in.count()) {
                    if (src == Opcode.PSEUDO_FUNC && calls != null) calls.add(i);
                    succ.add(i + 2);
                    st.add(src == 0 ? s.set(dst, in.imm64(i)) : s.unknown(dst));
                } else {
                    succ.add(i + 1);
                    st.add(s.unknown(0, 5)); // legacy packet loads clobber r0-r5
                }
            }
            case Opcode.LDX -> {
                succ.add(i + 1);
                st.add(dst < REGS ? s.unknown(dst) : s);
            }
            case Opcode.ST -> {
                succ.add(i + 1);
                st.add(s);
            }
            case Opcode.STX -> {
                succ.add(i + 1);
                // atomics with BPF_FETCH write back into src (cmpxchg into r0)
                st.add(Opcode.mode(code) == Opcode.ATOMIC ? s.unknown(src < REGS ? src : 0).unknown(0) : s);
            }
            case Opcode.JMP, Opcode.JMP32 -> jump(in, i, s, cls == Opcode.JMP32, succ, st, calls);
            default -> {
                succ.add(i + 1);
                st.add(s);
            }
        }
    }

    private static State alu(Instructions in, int i, State s, boolean is64) {
        int code = in.code(i);
        int dst = in.dst(i), src = in.src(i);
        if (dst >= REGS) return s;
        int op = Opcode.op(code);
        boolean k = Opcode.source(code) == Opcode.K;
        if (op == Opcode.END || in.off(i) != 0 && (op == Opcode.MOV || op == Opcode.DIV || op == Opcode.MOD)) {
            return s.unknown(dst); // byte swaps, sign-extending moves, signed division
        }
        boolean srcKnown = k || (src < REGS && s.isKnown(src));
        long b = k ? (is64 ? (long) in.imm(i) : in.imm(i) & 0xffffffffL) : (srcKnown ? s.vals()[src] : 0);
        if (op == Opcode.MOV) {
            if (!srcKnown) return s.unknown(dst);
            return s.set(dst, is64 ? b : b & 0xffffffffL);
        }
        if (op == Opcode.NEG) {
            if (!s.isKnown(dst)) return s;
            long v = -s.vals()[dst];
            return s.set(dst, is64 ? v : v & 0xffffffffL);
        }
        if (!srcKnown || !s.isKnown(dst)) return s.unknown(dst);
        long a = s.vals()[dst];
        if (!is64) {
            a &= 0xffffffffL;
            b &= 0xffffffffL;
        }
        int shift = (int) (b & (is64 ? 63 : 31));
        long r;
        switch (op) {
            case Opcode.ADD -> r = a + b;
            case Opcode.SUB -> r = a - b;
            case Opcode.MUL -> r = a * b;
            case Opcode.OR -> r = a | b;
            case Opcode.AND -> r = a & b;
            case Opcode.XOR -> r = a ^ b;
            case Opcode.LSH -> r = a << shift;
            case Opcode.RSH -> r = a >>> shift;
            case Opcode.ARSH -> r = is64 ? a >> shift : (long) ((int) a >> shift);
            case Opcode.DIV -> r = b == 0 ? 0 : Long.divideUnsigned(a, b);
            case Opcode.MOD -> r = b == 0 ? a : Long.remainderUnsigned(a, b);
            default -> {
                return s.unknown(dst);
            }
        }
        return s.set(dst, is64 ? r : r & 0xffffffffL);
    }

    private static void jump(Instructions in, int i, State s, boolean is32, List<Integer> succ, List<State> st,
                             List<Integer> calls) {
        int code = in.code(i);
        int op = Opcode.op(code);
        if (op == Opcode.EXIT) return;
        if (op == Opcode.CALL) {
            if (in.imm(i) == CoreRelocator.POISON_IMM && in.src(i) == 0) return; // rejected here
            if (in.src(i) == Opcode.PSEUDO_CALL && calls != null) calls.add(i);
            succ.add(i + 1);
            st.add(s.unknown(0, 5));
            return;
        }
        if (op == Opcode.JA) {
            succ.add(i + 1 + (is32 ? in.imm(i) : in.off(i)));
            st.add(s);
            return;
        }
        int target = i + 1 + in.off(i);
        int dst = in.dst(i), src = in.src(i);
        boolean k = Opcode.source(code) == Opcode.K;
        Boolean taken = null;
        if (dst < REGS && s.isKnown(dst) && (k || (src < REGS && s.isKnown(src)))) {
            long a = s.vals()[dst];
            long b = k ? (long) in.imm(i) : s.vals()[src];
            if (is32) {
                a = (int) a;
                b = (int) b;
            }
            taken = decide(op, a, b, is32);
        }
        if (taken == null || !taken) {
            succ.add(i + 1);
            st.add(s);
        }
        if (taken == null || taken) {
            succ.add(target);
            st.add(s);
        }
    }

    /** The outcome of a conditional jump on known operands (sign-extended for JMP32), or null. */
    private static Boolean decide(int op, long a, long b, boolean is32) {
        long ua = is32 ? a & 0xffffffffL : a, ub = is32 ? b & 0xffffffffL : b;
        return switch (op) {
            case Opcode.JEQ -> a == b;
            case Opcode.JNE -> a != b;
            case Opcode.JGT -> Long.compareUnsigned(ua, ub) > 0;
            case Opcode.JGE -> Long.compareUnsigned(ua, ub) >= 0;
            case Opcode.JLT -> Long.compareUnsigned(ua, ub) < 0;
            case Opcode.JLE -> Long.compareUnsigned(ua, ub) <= 0;
            case Opcode.JSGT -> a > b;
            case Opcode.JSGE -> a >= b;
            case Opcode.JSLT -> a < b;
            case Opcode.JSLE -> a <= b;
            case Opcode.JSET -> (ua & ub) != 0;
            default -> null;
        };
    }
}
