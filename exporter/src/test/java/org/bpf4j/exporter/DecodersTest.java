package org.bpf4j.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ebpf_exporter's decoders on known bytes. */
class DecodersTest {
    private final Decoders d = new Decoders();

    private String run(byte[] in, Config.Decoder... chain) throws Decoders.Skip {
        return d.label(in, new Config.Label("l", in.length, 0, List.of(chain)));
    }

    private static Config.Decoder dec(String name) {
        return new Config.Decoder(name, null, null, false);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Test
    void numbersNamesAndText() throws Decoders.Skip {
        assertEquals("4294967295", run(u32(-1), dec("uint")));
        assertEquals("ENOENT", run(u32(2), dec("uint"), dec("errno")));
        assertEquals("unknown:4000", run(u32(4000), dec("uint"), dec("errno")));
        assertEquals("getpid", run(u32(39), dec("uint"), dec("syscall")));
        assertEquals("unknown_syscall:999", run(u32(999), dec("uint"), dec("syscall")));
        assertEquals("sda", run("sda\0\0\0junk".getBytes(StandardCharsets.ISO_8859_1), dec("string")));
        assertEquals("0aff", run(new byte[] {10, (byte) 255}, dec("hex")));
        assertEquals("10.0.0.1", run(new byte[] {10, 0, 0, 1}, dec("inet_ip")));
        byte[] v6 = new byte[16];
        v6[15] = 1;
        assertEquals("::1", run(v6, dec("inet_ip")));
        assertEquals("www.example.com", run("\3www\7example\3com".getBytes(StandardCharsets.ISO_8859_1), dec("dname")));
        assertEquals("lo", run(u32(1), dec("ifname")));
    }

    @Test
    void staticMapAndRegexp() throws Decoders.Skip {
        Config.Decoder map = new Config.Decoder("static_map", Map.of("1", "read", "2", "write"), null, false);
        assertEquals("write", run(u32(2), dec("uint"), map));
        assertEquals("unknown:3", run(u32(3), dec("uint"), map));
        Config.Decoder allow = new Config.Decoder("static_map", Map.of("1", "read"), null, true);
        assertEquals("3", run(u32(3), dec("uint"), allow));
        Config.Decoder re = new Config.Decoder("regexp", null, List.of("^kworker/(\\d+)", "^bash$"), false);
        byte[] kw = "kworker/12:1\0".getBytes(StandardCharsets.ISO_8859_1), sh = "sshd\0".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("12", run(kw, dec("string"), re));
        assertThrows(Decoders.Skip.class, () -> run(sh, dec("string"), re));
    }

    @Test
    void ksymFindsTheFunctionOfAnAddress() {
        Decoders.Kallsyms k = new Decoders.Kallsyms(new long[] {0x1000, 0x2000}, new String[] {"a", "b"});
        assertEquals("a", k.sym(0x1000));
        assertEquals("a", k.sym(0x1fff));
        assertEquals("b", k.sym(0x2001));
        assertEquals(null, k.sym(0xfff));
    }
}
