package org.bpf4j.tools;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** What the TCP tools share: addresses as inet_ntop(3) writes them, and their -L/-D port lists. */
final class Inet {
    private Inet() {}

    static final int AF_INET = 2, AF_INET6 = 10;

    /** The address at {@code off} (4 bytes for AF_INET, else 16) as inet_ntop(3) writes it. */
    static String ntop(int family, MemorySegment d, long off) {
        if (family == AF_INET) {
            return (d.get(JAVA_BYTE, off) & 0xff) + "." + (d.get(JAVA_BYTE, off + 1) & 0xff) + "."
                    + (d.get(JAVA_BYTE, off + 2) & 0xff) + "." + (d.get(JAVA_BYTE, off + 3) & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (d.get(JAVA_BYTE, off + 2 * i) & 0xff) << 8 | (d.get(JAVA_BYTE, off + 2 * i + 1) & 0xff);
        // the longest run of two or more zero groups (the first of equals) becomes "::"
        int best = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) best = -1;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == best) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            // an IPv4-compatible or -mapped tail (::a.b.c.d, ::ffff:a.b.c.d)
            if (i == 6 && best == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xffff))) {
                sb.append(g[6] >> 8).append('.').append(g[6] & 0xff).append('.').append(g[7] >> 8).append('.').append(g[7] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(g[i]));
            if (i < 7) sb.append(':');
        }
        return sb.toString();
    }

    /** A comma-separated port list of -L or -D, each 1..65535 ({@code Invalid ports: LIST} otherwise). */
    static List<Integer> ports(String list) {
        List<Integer> ports = new ArrayList<>();
        for (String p : list.split(",", -1)) {
            int n;
            try {
                n = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n <= 0 || n > 65535) throw Argp.invalid("Invalid ports: " + list);
            ports.add(n);
        }
        if (ports.size() > 1024) throw Argp.invalid("Invalid ports: more than 1024 in " + list);
        return ports;
    }
}
