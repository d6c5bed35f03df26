package org.bpf4j.tools;

/**
 * {@code bpf4j killsnoop}: {@link Sigsnoop} tracing the kill, tkill and tgkill syscalls only, as
 * libbpf-tools' killsnoop (a link to sigsnoop that sets -k: the same help, options and output).
 * It loads sigsnoop's object; src/main/bpf/killsnoop.bpf.c names the tool for the launcher.
 */
final class Killsnoop extends Sigsnoop {
    Killsnoop() {
        super("killsnoop", "trace signals issued by kill syscalls");
    }

    @Override
    boolean killOnly() {
        return true;
    }
}
