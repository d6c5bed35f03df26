package org.bpf4j.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelConfigTest {
    @Test
    void parsesSetUnsetAndValues() {
        KernelConfig c = KernelConfig.parse("""
                #
                # Automatically generated file; DO NOT EDIT.
                CONFIG_BPF=y
                CONFIG_VETH=m
                # CONFIG_KPROBES is not set
                CONFIG_HZ=250
                CONFIG_LSM="landlock,lockdown,bpf"
                """, "test");
        assertTrue(c.enabled("CONFIG_BPF"));
        assertTrue(c.enabled("CONFIG_VETH"));
        assertFalse(c.enabled("CONFIG_KPROBES"));
        assertEquals("n", c.get("CONFIG_KPROBES"));
        assertFalse(c.enabled("CONFIG_NEVER_HEARD_OF"));
        assertEquals("250", c.get("CONFIG_HZ"));
        assertEquals("\"landlock,lockdown,bpf\"", c.get("CONFIG_LSM"));
        assertEquals("test", c.source());
    }
}
