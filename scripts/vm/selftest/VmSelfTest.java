import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * vmtest self-test: calls bpf(2) through FFM and libc's variadic syscall(): BPF_MAP_CREATE (ARRAY),
 * an update/lookup round trip through the map, and BPF_PROG_LOAD of "r0 = 0; exit" as a socket
 * filter. Prints the fds and exits 0; any failure prints the errno and exits 1.
 */
public final class VmSelfTest {
    private static final long SYS_BPF = 321; // x86_64
    private static final int BPF_MAP_CREATE = 0, BPF_MAP_LOOKUP_ELEM = 1, BPF_MAP_UPDATE_ELEM = 2, BPF_PROG_LOAD = 5;
    private static final int BPF_MAP_TYPE_ARRAY = 2, BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private static final int ATTR_SIZE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // long syscall(long number, ...): here (int cmd, union bpf_attr *attr, unsigned int size)
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    public static void main(String[] args) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);

            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, BPF_MAP_TYPE_ARRAY);
            attr.set(ValueLayout.JAVA_INT, 4, 4);  // key_size
            attr.set(ValueLayout.JAVA_INT, 8, 8);  // value_size
            attr.set(ValueLayout.JAVA_INT, 12, 1); // max_entries
            int mapFd = (int) bpf(state, BPF_MAP_CREATE, attr, "BPF_MAP_CREATE(ARRAY)");
            System.out.println("map fd " + mapFd);

            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            value.set(ValueLayout.JAVA_LONG, 0, 0x0123456789abcdefL);
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            bpf(state, BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM");
            MemorySegment back = arena.allocate(ValueLayout.JAVA_LONG);
            attr.set(ValueLayout.JAVA_LONG, 16, back.address());
            bpf(state, BPF_MAP_LOOKUP_ELEM, attr, "BPF_MAP_LOOKUP_ELEM");
            long got = back.get(ValueLayout.JAVA_LONG, 0);
            if (got != 0x0123456789abcdefL) {
                System.out.println("map round trip returned 0x" + Long.toHexString(got));
                System.exit(1);
            }
            System.out.println("map round trip ok");

            MemorySegment insns = arena.allocate(16, 8);
            insns.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x00000000000000b7L); // r0 = 0 (BPF_ALU64|BPF_MOV|BPF_K)
            insns.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 0x0000000000000095L); // exit
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment log = arena.allocate(4096);
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_SOCKET_FILTER);
            attr.set(ValueLayout.JAVA_INT, 4, 2);                   // insn_cnt
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());
            attr.set(ValueLayout.JAVA_INT, 24, 1);                  // log_level
            attr.set(ValueLayout.JAVA_INT, 28, (int) log.byteSize());
            attr.set(ValueLayout.JAVA_LONG, 32, log.address());
            long progFd;
            try {
                progFd = bpf(state, BPF_PROG_LOAD, attr, "BPF_PROG_LOAD(SOCKET_FILTER)");
            } finally {
                String text = log.getString(0);
                if (!text.isEmpty()) System.out.print("verifier log:\n" + text);
            }
            System.out.println("prog fd " + progFd);
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }

    private static long bpf(MemorySegment state, int cmd, MemorySegment attr, String what) throws Throwable {
        long r = (long) SYSCALL.invokeExact(state, SYS_BPF, cmd, attr, ATTR_SIZE);
        if (r < 0) throw new IllegalStateException(what + " failed: errno " + (int) ERRNO.get(state, 0L));
        return r;
    }
}
