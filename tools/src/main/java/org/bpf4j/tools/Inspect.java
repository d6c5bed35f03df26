package org.bpf4j.tools;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.bpf4j.BpfException;
import org.bpf4j.SyscallException;
import org.bpf4j.sys.Errno;
import org.bpf4j.sys.Os;

/**
 * What bpftool's inspection verbs ({@code prog}, {@code map}, {@code link}, {@code btf list}) share:
 * the output options {@code -j}/{@code --json} and {@code -p}/{@code --pretty} (anywhere on the
 * line), the keyword arguments that select an object ({@code id ID}, {@code pinned PATH},
 * {@code name NAME}), and the load-time clock conversion.
 */
final class Inspect {
    /** The words after the verb, without the output options. */
    final List<String> words = new ArrayList<>();
    final boolean json;
    final boolean pretty;
    final boolean help;
    private int pos;

    Inspect(String[] argv, int start) {
        boolean j = false, p = false, h = false;
        for (int i = start; i < argv.length; i++) {
            switch (argv[i]) {
                case "-j", "--json" -> j = true;
                case "-p", "--pretty" -> p = true;
                case "-h", "--help", "help" -> h = true;
                default -> words.add(argv[i]);
            }
        }
        this.json = j || p;
        this.pretty = p;
        this.help = h;
    }

    BpftoolJson jsonWriter() {
        return new BpftoolJson(pretty);
    }

    boolean hasMore() {
        return pos < words.size();
    }

    String next(String what) {
        if (pos >= words.size()) throw new Args.UsageException("expected " + what);
        return words.get(pos++);
    }

    String peek() {
        return pos < words.size() ? words.get(pos) : null;
    }

    void end() {
        if (pos < words.size()) throw new Args.UsageException("unexpected argument '" + words.get(pos) + "'");
    }

    /** A selector: {@code id ID}, {@code pinned PATH} or {@code name NAME} (one of {@code kinds}). */
    record Selector(String kind, String value) {
        int id() {
            try {
                return Integer.decode(value);
            } catch (NumberFormatException e) {
                throw new Args.UsageException("can't parse " + value + " as ID");
            }
        }

        Path path() {
            return Path.of(value);
        }
    }

    Selector selector(String object, String... kinds) {
        String k = next(String.join(", ", kinds) + " to select a " + object);
        for (String kind : kinds) {
            if (kind.equals(k)) return new Selector(k, next(k.toUpperCase(java.util.Locale.ROOT) + " after '" + k + "'"));
        }
        throw new Args.UsageException("expected " + String.join(", ", quoted(kinds)) + ", got: '" + k + "'");
    }

    private static List<String> quoted(String[] kinds) {
        List<String> out = new ArrayList<>();
        for (String k : kinds) out.add("'" + k + "'");
        return out;
    }

    /**
     * Runs {@code open}, turning "no such id" and "not a pin of this kind" into one clear line
     * naming what was asked for.
     */
    static <T> T open(String what, Selector s, java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new BpfException("no " + what + " with " + s.kind() + " " + s.value());
            }
            if (e.errno() == Errno.EINVAL && s.kind().equals("pinned")) {
                throw new BpfException(s.value() + " is not a pinned " + what + " (not a pin on a bpf file system)");
            }
            throw e;
        }
    }

    /**
     * {@code open.get()}, or null if the object went away since its id was listed (ENOENT): for
     * walks over the system's ids, while other processes create and close objects.
     */
    static <T> T ifPresent(java.util.function.Supplier<T> open) {
        try {
            return open.get();
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    /**
     * The one object among {@code ids} whose {@code name} is {@code wanted}; the others are
     * closed. Several of that name are refused: a command that acts on one wants an id then.
     */
    static <T extends AutoCloseable> T byName(String what, List<Integer> ids, java.util.function.IntFunction<T> open,
                                              java.util.function.Function<T, String> name, String wanted) {
        T found = null;
        for (int id : ids) {
            T o = ifPresent(() -> open.apply(id));
            if (o == null) continue;
            if (!name.apply(o).equals(wanted)) {
                org.bpf4j.sys.Fd.closeQuietly(o);
            } else if (found != null) {
                org.bpf4j.sys.Fd.closeQuietly(found);
                org.bpf4j.sys.Fd.closeQuietly(o);
                throw new BpfException("several " + what + "s are called '" + wanted + "'; select one by id");
            } else {
                found = o;
            }
        }
        if (found == null) throw new BpfException("no " + what + " with name " + wanted);
        return found;
    }

    /** The wall-clock second of a {@code CLOCK_BOOTTIME} time in ns, as bpftool computes it. */
    static long wallClockSeconds(long bootNs) {
        long real = Os.clockNanos(Os.CLOCK_REALTIME), boot = Os.clockNanos(Os.CLOCK_BOOTTIME);
        return Math.floorDiv(real - boot + bootNs, 1_000_000_000L);
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");

    /** bpftool's plain {@code loaded_at}: local time as {@code %FT%T%z}. */
    static String localTime(long epochSeconds) {
        return LOCAL.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
    }

    /** Comma-separated, as bpftool prints id lists. */
    static String joined(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) sb.append(i == 0 ? "" : ",").append(Integer.toUnsignedString(ids.get(i)));
        return sb.toString();
    }
}
