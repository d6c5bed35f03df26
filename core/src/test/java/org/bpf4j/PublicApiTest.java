package org.bpf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API by reflection: what a user can reach does not expose the syscall layer ({@code org.bpf4j.sys}). */
class PublicApiTest {
    private static final String SYS = "org.bpf4j.sys.";

    /** Every public class of core's main classes (nested ones too, if public all the way out), sys excluded. */
    static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(BpfObject.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.startsWith(SYS) || name.endsWith("module-info") || name.endsWith("package-info")) continue;
                Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                if (reachable(c)) out.add(c);
            }
        }
        return out;
    }

    private static boolean reachable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isSynthetic()) return false;
        }
        return true;
    }

    @Test
    void noSysTypeInAPublicSignature() throws Exception {
        List<Class<?>> classes = publicClasses();
        assertTrue(classes.size() > 50, "found the public classes: " + classes.size());
        assertTrue(classes.contains(BpfLink.class) && classes.contains(MapSpec.class), classes.toString());
        TreeSet<String> leaks = new TreeSet<>();
        for (Class<?> c : classes) {
            check(leaks, c + " extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) check(leaks, c + " implements", t);
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) check(leaks, c.getName() + "." + f.getName(), f.getGenericType());
            }
            List<Executable> members = new ArrayList<>(List.of(c.getDeclaredConstructors()));
            members.addAll(List.of(c.getDeclaredMethods()));
            for (Executable m : members) {
                if (!visible(m.getModifiers()) || m.isSynthetic()) continue;
                if (m instanceof Method method && method.isBridge()) continue;
                String where = c.getName() + "." + m.getName();
                if (m instanceof Method method) check(leaks, where + " returns", method.getGenericReturnType());
                for (Type t : m.getGenericParameterTypes()) check(leaks, where + " takes", t);
                for (Type t : m.getGenericExceptionTypes()) check(leaks, where + " throws", t);
            }
        }
        assertEquals("", String.join("\n", leaks));
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(TreeSet<String> leaks, String where, Type t) {
        switch (t) {
            case null -> { }
            case Class<?> c -> {
                Class<?> e = c;
                while (e.isArray()) e = e.getComponentType();
                if (e.getName().startsWith(SYS)) leaks.add(where + " " + e.getName());
            }
            case ParameterizedType p -> {
                check(leaks, where, p.getRawType());
                for (Type a : p.getActualTypeArguments()) check(leaks, where, a);
            }
            case GenericArrayType g -> check(leaks, where, g.getGenericComponentType());
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) check(leaks, where, b);
                for (Type b : w.getLowerBounds()) check(leaks, where, b);
            }
            case TypeVariable<?> v -> { }
            default -> { }
        }
    }
}
