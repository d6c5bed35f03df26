package org.bpf4j.exporter;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bpf4j.BpfException;
import org.bpf4j.sys.Errno;
import org.bpf4j.tools.Syscalls;

/**
 * ebpf_exporter's label decoders: each takes the bytes of a label (the key's slice, or the
 * previous decoder's output, text then) and gives its value. A {@code regexp} that matches none of
 * its expressions drops the sample ({@link Skip}). Lookups of the system (kallsyms, partitions,
 * interfaces, cgroups, pci.ids) are cached; a miss is looked up again.
 */
final class Decoders {
    /** The sample is dropped (a regexp did not match). */
    static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;

        Skip() {
            super(null, null, false, false);
        }
    }

    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
    private final Map<String, String> cgroups = new ConcurrentHashMap<>();
    private volatile Kallsyms kallsyms;
    private volatile PciIds pci;
    private final Path cgroupRoot;

    Decoders(Path cgroupRoot) {
        this.cgroupRoot = cgroupRoot;
    }

    Decoders() {
        this(CgroupIdMapSync.root());
    }

    /** A label's value from its key bytes, through its decoder chain. */
    String label(byte[] in, Config.Label label) throws Skip {
        byte[] v = in;
        for (Config.Decoder d : label.decoders()) v = decode(v, d);
        return new String(v, UTF_8);
    }

    byte[] decode(byte[] in, Config.Decoder d) throws Skip {
        return switch (d.name()) {
            case "uint" -> text(Long.toUnsignedString(uint(in)));
            case "string" -> Arrays.copyOf(in, clen(in));
            case "hex" -> text(HexFormat.of().formatHex(in));
            case "errno" -> {
                long n = parse(in, "errno");
                String name = n > 0 && n < Integer.MAX_VALUE ? Errno.name((int) n) : null;
                yield text(name == null || name.startsWith("errno ") ? "unknown:" + n : name);
            }
            case "syscall" -> {
                long n = parse(in, "syscall");
                String name = Syscalls.name(n);
                yield text(name == null ? "unknown_syscall:" + n : name);
            }
            case "static_map" -> {
                if (d.staticMap() == null) yield text("empty mapping");
                String v = d.staticMap().get(new String(in, ISO_8859_1));
                if (v != null) yield v.getBytes(UTF_8);
                yield d.allowUnknown() ? in : text("unknown:" + new String(in, ISO_8859_1));
            }
            case "regexp" -> {
                String s = new String(in, ISO_8859_1);
                for (String re : d.regexps()) {
                    Matcher m = patterns.computeIfAbsent(re, Pattern::compile).matcher(s);
                    if (m.find()) yield (m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group()).getBytes(ISO_8859_1);
                }
                throw new Skip();
            }
            case "ksym" -> {
                long addr = word(in, 0);
                String sym = kallsyms().sym(addr);
                yield text(sym == null ? "unknown_addr:0x" + Long.toHexString(addr) : sym);
            }
            case "kstack" -> {
                List<String> frames = new ArrayList<>();
                for (int off = 0; off + 8 <= in.length; off += 8) {
                    long addr = word(in, off);
                    if (addr == 0) break;
                    String sym = kallsyms().sym(addr);
                    frames.add(sym == null ? "??" : sym);
                }
                yield text(String.join("\n", frames));
            }
            case "majorminor" -> {
                long dev = Integer.toUnsignedLong(ByteBuffer.wrap(in, 0, 4).order(HOST).getInt());
                // the kernel's new_encode_dev: minor's low byte, major, minor's high bits
                long major = (dev & 0xfff00) >> 8, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
                yield text(partition(major, minor));
            }
            case "ifname" -> {
                int idx = ByteBuffer.wrap(in, 0, 4).order(HOST).getInt();
                String name = null;
                try {
                    NetworkInterface ni = NetworkInterface.getByIndex(idx);
                    if (ni != null) name = ni.getName();
                } catch (SocketException | IllegalArgumentException e) {
                    // gone since the sample was written
                }
                yield text(name == null ? "unknown:" + Integer.toUnsignedString(idx) : name);
            }
            case "inet_ip" -> {
                try {
                    InetAddress a = InetAddress.getByAddress(in);
                    String s = a.getHostAddress();
                    // Go's net.IP prints IPv4-mapped IPv6 as IPv4 and shortens IPv6 zeros
                    yield text(in.length == 16 ? shortIpv6(s) : s);
                } catch (UnknownHostException e) {
                    yield text("?" + HexFormat.of().formatHex(in));
                }
            }
            case "dname" -> dname(in);
            case "cgroup" -> {
                long id = parse(in, "cgroup");
                String path = cgroup(id);
                yield text(path == null ? "unknown_cgroup_id:" + id : path);
            }
            case "pci_vendor" -> text(pci().name("vendor", String.format("%04x", parse(in, "pci_vendor"))));
            case "pci_device" -> text(pci().name("device", String.format("%08x", parse(in, "pci_device"))));
            case "pci_class" -> text(pci().name("class", String.format("%02x", parse(in, "pci_class"))));
            case "pci_subclass" -> {
                long n = parse(in, "pci_subclass");
                yield text(pci().name("subclass", String.format("%02x%02x", n >> 8, n & 0xff)));
            }
            default -> throw new BpfException("unknown decoder \"" + d.name() + "\"");
        };
    }

    private static byte[] text(String s) {
        return s.getBytes(UTF_8);
    }

    private static int clen(byte[] in) {
        for (int i = 0; i < in.length; i++) if (in[i] == 0) return i;
        return in.length;
    }

    /** An unsigned integer of 1, 2, 4 or 8 bytes in the host's order. */
    static long uint(byte[] in) {
        ByteBuffer b = ByteBuffer.wrap(in).order(HOST);
        return switch (in.length) {
            case 8 -> b.getLong();
            case 4 -> Integer.toUnsignedLong(b.getInt());
            case 2 -> Short.toUnsignedLong(b.getShort());
            case 1 -> Byte.toUnsignedLong(b.get());
            default -> throw new BpfException("uint decoder: unknown value length " + in.length);
        };
    }

    private static long word(byte[] in, int off) {
        if (off + 8 > in.length) throw new BpfException("an address needs 8 bytes, the label has " + in.length);
        return ByteBuffer.wrap(in, off, 8).order(HOST).getLong();
    }

    private static long parse(byte[] in, String decoder) {
        String s = new String(in, ISO_8859_1);
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new BpfException(decoder + " decoder: \"" + s + "\" is not a number (put a uint decoder before it)");
        }
    }

    private static String shortIpv6(String s) {
        try {
            byte[] b = InetAddress.getByName(s).getAddress();
            if (b.length == 4) return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return s;
        }
        // Java prints every group (0:0:0:0:0:0:0:1); Go (RFC 5952) the longest run of zeros as ::
        String[] g = s.split(":");
        int best = -1, bestLen = 1;
        for (int i = 0; i < g.length; ) {
            if (!g[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < g.length && g[j].equals("0")) j++;
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (best < 0) return s;
        String head = String.join(":", Arrays.copyOfRange(g, 0, best));
        String tail = String.join(":", Arrays.copyOfRange(g, best + bestLen, g.length));
        return head + "::" + tail;
    }

    private static byte[] dname(byte[] in) {
        if (in.length == 0) return text(".");
        byte[] out = new byte[in.length];
        for (int off = 0; off < in.length; ) {
            int n = in[off] & 0xff;
            out[off++] = '.';
            if (off + n > in.length) return in;
            System.arraycopy(in, off, out, off, n);
            off += n;
        }
        return Arrays.copyOfRange(out, 1, out.length);
    }

    private static String partition(long major, long minor) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/partitions"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[0].equals(Long.toString(major)) && f[1].equals(Long.toString(minor))) return f[3];
            }
        } catch (IOException e) {
            // no /proc/partitions: unknown below
        }
        return "unknown:" + major + ":" + minor;
    }

    /** The path under the cgroup root (as ebpf_exporter: the full path) of cgroup v2 id {@code id}, or null. */
    String cgroup(long id) {
        String key = Long.toString(id);
        String p = cgroups.get(key);
        if (p != null) return p;
        try (Stream<Path> walk = Files.walk(cgroupRoot)) {
            walk.filter(Files::isDirectory).forEach(d -> {
                try {
                    cgroups.put(Files.getAttribute(d, "unix:ino").toString(), d.toString());
                } catch (IOException | UnsupportedOperationException e) {
                    // removed while walking
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
        return cgroups.get(key);
    }

    private Kallsyms kallsyms() {
        Kallsyms k = kallsyms;
        if (k == null) kallsyms = k = Kallsyms.read(Path.of("/proc/kallsyms"));
        return k;
    }

    private PciIds pci() {
        PciIds p = pci;
        if (p == null) pci = p = PciIds.read(List.of(Path.of("/usr/share/misc/pci.ids"), Path.of("/usr/share/hwdata/pci.ids")));
        return p;
    }

    /** /proc/kallsyms by address: a symbol is the last one at or below an address. */
    record Kallsyms(long[] addrs, String[] names) {
        static Kallsyms read(Path path) {
            List<long[]> rows = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (var lines = Files.lines(path)) {
                lines.forEach(l -> {
                    int a = l.indexOf(' '), b = l.indexOf(' ', a + 1);
                    if (a <= 0 || b < 0) return;
                    long addr = Long.parseUnsignedLong(l.substring(0, a), 16);
                    if (addr == 0) return;
                    int end = l.indexOf('\t', b + 1);
                    rows.add(new long[] {addr, names.size()});
                    names.add(end < 0 ? l.substring(b + 1) : l.substring(b + 1, end));
                });
            } catch (IOException e) {
                throw new BpfException(path + ": " + e.getMessage() + " (the ksym and kstack decoders need it)");
            }
            rows.sort((x, y) -> Long.compareUnsigned(x[0], y[0]));
            long[] addrs = new long[rows.size()];
            String[] sorted = new String[rows.size()];
            for (int i = 0; i < addrs.length; i++) {
                addrs[i] = rows.get(i)[0];
                sorted[i] = names.get((int) rows.get(i)[1]);
            }
            return new Kallsyms(addrs, sorted);
        }

        String sym(long addr) {
            int lo = 0, hi = addrs.length - 1, found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(addrs[mid], addr) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found < 0 ? null : names[found];
        }
    }

    /** The PCI names of the system's pci.ids, by kind and hex id (device: vendor then device, 8 digits). */
    record PciIds(Map<String, String> names, boolean present) {
        static PciIds read(List<Path> candidates) {
            for (Path p : candidates) {
                if (!Files.isReadable(p)) continue;
                Map<String, String> m = new java.util.HashMap<>();
                try {
                    String vendor = null, cls = null;
                    for (String l : Files.readAllLines(p, ISO_8859_1)) {
                        if (l.isEmpty() || l.startsWith("#")) continue;
                        if (l.startsWith("C ")) {
                            cls = l.substring(2, 4);
                            vendor = null;
                            m.put("class:" + cls, l.substring(4).trim());
                        } else if (l.startsWith("\t\t")) {
                            continue;
                        } else if (l.startsWith("\t") && l.length() > 5) {
                            if (cls != null) {
                                m.put("subclass:" + cls + l.substring(1, 3), l.substring(3).trim());
                            } else if (vendor != null) {
                                m.put("device:" + vendor + l.substring(1, 5), l.substring(5).trim());
                            }
                        } else if (l.length() > 4 && !l.startsWith("\t")) {
                            vendor = l.substring(0, 4);
                            cls = null;
                            m.put("vendor:" + vendor, l.substring(4).trim());
                        }
                    }
                } catch (IOException e) {
                    continue;
                }
                return new PciIds(m, true);
            }
            return new PciIds(Map.of(), false);
        }

        String name(String kind, String id) {
            if (!present) return "missing pci.ids db";
            String n = names.get(kind + ":" + id);
            return n != null ? n : "unknown pci " + kind + ": 0x" + id;
        }
    }
}
