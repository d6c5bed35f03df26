package org.bpf4j.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bpf4j gen skeleton}: files written, options, errors. */
class GenCommandTest {
    static Path dir;
    static Path object;

    @BeforeAll
    static void copyFixture() throws IOException {
        dir = Files.createTempDirectory("gencmd");
        object = dir.resolve("skel_demo.bpf.o");
        try (InputStream in = GenCommandTest.class.getResourceAsStream("/fixtures/skel/skel_demo.bpf.o")) {
            assertTrue(in != null, "core's test fixtures on the class path");
            Files.copy(in, object);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(p);
        }
    }

    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void writesTheSkeletonAndTheObject() throws IOException {
        Path out = dir.resolve("src");
        String[] r = run("gen", "skeleton", object.toString(), "--package", "com.example.bpf", "--out", out.toString(),
                "--copy-object");
        assertEquals("0", r[0], r[2]);
        Path java = out.resolve("com/example/bpf/SkelDemoSkeleton.java");
        Path copy = out.resolve("com/example/bpf/skel_demo.bpf.o");
        assertEquals(java + "\n" + copy + "\n", r[1]);
        String src = Files.readString(java);
        assertTrue(src.contains("package com.example.bpf;"));
        assertTrue(src.contains("public final class SkelDemoSkeleton implements AutoCloseable {"));
        assertTrue(src.contains("public static final String OBJECT_RESOURCE = \"skel_demo.bpf.o\";"));
        assertArrayEquals(Files.readAllBytes(object), Files.readAllBytes(copy));

        r = run("gen", "skeleton", object.toString(), "-p", "x.y", "-o", out.toString(), "--class", "Demo");
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.readString(out.resolve("x/y/Demo.java")).contains("public final class Demo implements"));
    }

    @Test
    void errors() {
        String[] r = run("gen", "skeleton", object.toString(), "--out", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--package is required"), r[2]);
        r = run("gen", "skeleton", object.toString(), "--package", "a-b", "--out", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("bad Java package name 'a-b'"), r[2]);
        r = run("gen", "skeleton", dir.resolve("none.o").toString(), "--package", "a", "--out", dir.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("none.o"), r[2]);
        r = run("gen", "header");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown gen subcommand 'header'"), r[2]);
    }
}
