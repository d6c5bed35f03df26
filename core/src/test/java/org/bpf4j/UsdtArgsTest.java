package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** libbpf's x86_64 USDT argument spec forms, parsed into struct __bpf_usdt_arg_spec; no kernel needed. */
class UsdtArgsTest {
    @Test
    void everyForm() {
        List<Usdt.Arg> a = Usdt.parseArgs("-4@-1204(%rbp) 8@(%rsp) 1@%dil -4@$-9 2@-96(%rbp,%rax,8) 8@(%rbx,%rcx) 8@%r15",
                "t", true);
        assertEquals(List.of(
                new Usdt.Arg(Usdt.ARG_REG_DEREF, -1204, 32, 0, 0, true, 32),
                new Usdt.Arg(Usdt.ARG_REG_DEREF, 0, 152, 0, 0, false, 0),
                new Usdt.Arg(Usdt.ARG_REG, 0, 112, 0, 0, false, 56),
                new Usdt.Arg(Usdt.ARG_CONST, -9, 0, 0, 0, true, 32),
                new Usdt.Arg(Usdt.ARG_SIB, -96, 32, 80, 3, false, 48),
                new Usdt.Arg(Usdt.ARG_SIB, 0, 40, 88, 0, false, 0),
                new Usdt.Arg(Usdt.ARG_REG, 0, 0, 0, 0, false, 0)), a);
        assertEquals(List.of(), Usdt.parseArgs("", "t", true));
    }

    @Test
    void specLayoutOfUsdtBpfH() {
        byte[] b = Usdt.specBytes(Usdt.parseArgs("-4@-20(%rbp) 2@-96(%rbp,%rax,8)", "t", true), 0x1122334455667788L);
        assertEquals(208, b.length);
        assertEquals((byte) 0xec, b[0], "val_off -20");
        assertEquals((byte) 0xff, b[7]);
        assertEquals(Usdt.ARG_REG_DEREF, b[8]);
        assertEquals(32, b[12], "reg_off of rbp");
        assertEquals(1, b[14], "signed");
        assertEquals(32, b[15], "bitshift");
        assertEquals(Usdt.ARG_SIB, b[16 + 8]);
        assertEquals(80 << 8 | 3 << 20, (b[16 + 9] & 0xff) << 8 | (b[16 + 10] & 0xff) << 16, "idx_reg_off of rax, scale 8");
        assertEquals((byte) 0x88, b[192], "usdt_cookie");
        assertEquals(2, b[200], "arg_cnt");
    }

    @Test
    void badSpecsAreNamed() {
        BpfException e = assertThrows(BpfException.class, () -> Usdt.parseArgs("4@c(%rip)", "usdt x:y", true));
        assertTrue(e.getMessage().contains("usdt x:y: unrecognized USDT argument #0 spec '4@c(%rip)'"), e.getMessage());
        e = assertThrows(BpfException.class, () -> Usdt.parseArgs("3@%rax", "t", true));
        assertTrue(e.getMessage().contains("size 3"), e.getMessage());
        e = assertThrows(BpfException.class, () -> Usdt.parseArgs("8@%xmm0", "t", true));
        assertTrue(e.getMessage().contains("unrecognized register '%xmm0'"), e.getMessage());
        e = assertThrows(BpfException.class, () -> Usdt.parseArgs("8@(%rbx,%rcx,8)", "t", false));
        assertTrue(e.getMessage().contains("libbpf 1.7+"), e.getMessage());
    }
}
