package org.bpf4j.link;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.bpf4j.BpfException;
import org.bpf4j.BpfObject;
import org.bpf4j.LoadOptions;
import org.bpf4j.ObjectSpec;

/**
 * The user side of {@link NetAdminLeastPrivilegeTest}, run in a JVM of its own as uid nobody:
 * loads {@code attach.o}'s {@code xdp_count} for a UDP port, attaches it to an interface in generic
 * mode, says "attached", and on a line from stdin prints the datagrams it counted. A failure is
 * its message on one line and exit code 1.
 */
public final class XdpCountMain {
    private XdpCountMain() {}

    public static void main(String[] args) throws Exception {
        Path object = Path.of(args[0]);
        String ifname = args[1];
        int port = Integer.parseInt(args[2]);
        try {
            ObjectSpec spec = ObjectSpec.read(object);
            spec.rodata().set("target_port", port);
            try (BpfObject obj = spec.load(LoadOptions.defaults().withPrograms(Set.of("xdp_count")));
                 XdpLink link = obj.program("xdp_count").attachXdp(ifname, XdpMode.GENERIC)) {
                System.out.println("attached " + link.target());
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                System.out.println("udp_seen " + obj.bss().getLong("udp_seen"));
            }
        } catch (BpfException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }
}
