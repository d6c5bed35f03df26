package org.bpf4j.maven;

import java.io.File;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/main/bpf/*.bpf.c} with clang ({@code -target bpf -g -O2}) into
 * {@code target/classes/PACKAGE/NAME.bpf.o} (so they go into the jar) and generates their Java
 * skeletons into {@code target/generated-sources/bpf4j}, which it adds to the sources.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractBpfMojo {
    /** Where the BPF C sources are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/bpf")
    private File sourceDirectory;

    /** The root the objects go under (PACKAGE/NAME.bpf.o). */
    @Parameter(defaultValue = "${project.build.outputDirectory}")
    private File objectDirectory;

    /** Where the skeletons are written. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/bpf4j")
    private File generatedSourcesDirectory;

    @Override
    File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    File objectDirectory() {
        return objectDirectory;
    }

    @Override
    File generatedSourcesDirectory() {
        return generatedSourcesDirectory;
    }

    @Override
    void addSourceRoot(String dir) {
        project.addCompileSourceRoot(dir);
    }
}
