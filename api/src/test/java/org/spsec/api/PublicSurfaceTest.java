package org.spsec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What is public API: the package {@code org.spsec.api}, and nothing else. Every public or
 * protected constructor, method and field of its public types names only its own types and the
 * JDK's, so an application that compiles against it depends on no internal module's types, and
 * the core, runtime and transports can change without breaking it.
 */
class PublicSurfaceTest {
    @Test
    void theApiExposesOnlyItsOwnTypesAndTheJdks() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> types = apiTypes();
        assertThat(types).extracting(Class::getSimpleName).contains("SpsecParticipant", "SpsecConfigurator", "SpsecEvent", "SendResult");
        for (Class<?> c : types) {
            if (!exposed(c)) {
                continue;
            }
            check(c.getName() + " extends", c.getGenericSuperclass(), leaks);
            for (Type i : c.getGenericInterfaces()) {
                check(c.getName() + " implements", i, leaks);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers())) {
                    signature(c.getName() + ".<init>", k, leaks);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(c.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
                    signature(c.getName() + "." + m.getName(), m, leaks);
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    check(c.getName() + "." + f.getName(), f.getGenericType(), leaks);
                }
            }
        }
        assertThat(leaks).as("internal types in the public API").isEmpty();
    }

    private static boolean exposed(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void signature(String where, Executable e, List<String> leaks) {
        for (Type p : e.getGenericParameterTypes()) {
            check(where + " takes", p, leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(where + " throws", x, leaks);
        }
    }

    private static void check(String where, Type t, List<String> leaks) {
        switch (t) {
            case null -> { }
            case Class<?> c -> {
                Class<?> base = c;
                while (base.isArray()) {
                    base = base.getComponentType();
                }
                String n = base.getName();
                if (!base.isPrimitive() && !n.startsWith("java.") && !n.startsWith("org.spsec.api.")) {
                    leaks.add(where + " " + n);
                }
            }
            case ParameterizedType p -> {
                check(where, p.getRawType(), leaks);
                for (Type a : p.getActualTypeArguments()) {
                    check(where, a, leaks);
                }
            }
            case GenericArrayType g -> check(where, g.getGenericComponentType(), leaks);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) {
                    check(where, b, leaks);
                }
                for (Type b : w.getLowerBounds()) {
                    check(where, b, leaks);
                }
            }
            case TypeVariable<?> v -> { } // declared by an API type or method; its bounds are checked where they are used
            default -> leaks.add(where + " " + t);
        }
    }

    private static List<Class<?>> apiTypes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(SpsecParticipant.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = root.resolve("org/spsec/api");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = p.getFileName().toString().replace(".class", "");
                if (name.equals("package-info")) {
                    continue;
                }
                out.add(Class.forName("org.spsec.api." + name, false, PublicSurfaceTest.class.getClassLoader()));
            }
        }
        return out;
    }
}
