package org.bpf4j.tools;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;

/**
 * A test JVM for the jvm* tools: says "ready", then for each line it reads does its work and says
 * "done", until the end of its input. A line with a number is the N of {@code gc} for that round.
 * <ul>
 * <li>{@code gc N}: System.gc() N times;
 * <li>{@code threads N PREFIX}: N threads named PREFIX-0 .. PREFIX-(N-1), one after the other, each joined;
 * <li>{@code classes}: defines {@link Payload} again in a class loader of its own, drops the loader, collects twice;
 * <li>{@code compile}: calls {@link #hot} until it has run 200 000 times.
 * </ul>
 */
public final class JvmLoop {
    private JvmLoop() {}

    /** The class the {@code classes} mode defines a second time, in a loader of its own. */
    public static final class Payload {
        @Override
        public String toString() {
            return "payload";
        }
    }

    /** A loader that defines {@link Payload} itself, from the class file's bytes, not through its parent. */
    static final class OwnLoader extends ClassLoader {
        OwnLoader() {
            super(JvmLoop.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Payload.class.getName())) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) return c;
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] b = in.readAllBytes();
                    return defineClass(name, b, 0, b.length);
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    static long sink;

    static long hot(long x) {
        long r = x;
        for (int i = 0; i < 8; i++) r = r * 31 + (r >>> 7) + i;
        return r;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready");
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            work(args, line);
            System.out.println("done");
            System.out.flush();
        }
    }

    private static void work(String[] args, String line) throws Exception {
        switch (args[0]) {
            case "gc" -> {
                int n = line.matches("\\d+") ? Integer.parseInt(line) : Integer.parseInt(args[1]);
                for (int i = 0; i < n; i++) System.gc();
            }
            case "threads" -> {
                for (int i = 0, n = Integer.parseInt(args[1]); i < n; i++) {
                    Thread t = new Thread(() -> sink++, args[2] + "-" + i);
                    t.start();
                    t.join();
                }
            }
            case "classes" -> {
                OwnLoader loader = new OwnLoader();
                Class<?> c = loader.loadClass(Payload.class.getName());
                if (c == Payload.class || c.getClassLoader() != loader) throw new AssertionError("not defined again: " + c);
                sink += c.getDeclaredConstructor().newInstance().toString().length();
                c = null;
                loader = null;
                System.gc();
                System.gc();
            }
            case "compile" -> {
                for (int i = 0; i < 200_000; i++) sink += hot(i);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
