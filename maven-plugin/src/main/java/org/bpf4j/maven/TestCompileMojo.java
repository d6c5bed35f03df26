package org.bpf4j.maven;

import java.io.File;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The {@code compile} goal for test programs: {@code src/test/bpf/*.bpf.c} into
 * {@code target/test-classes/PACKAGE/}, skeletons into {@code target/generated-test-sources/bpf4j}.
 */
@Mojo(name = "test-compile", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public class TestCompileMojo extends AbstractBpfMojo {
    /** Where the test BPF C sources are. */
    @Parameter(defaultValue = "${project.basedir}/src/test/bpf")
    private File sourceDirectory;

    /** The root the objects go under (PACKAGE/NAME.bpf.o). */
    @Parameter(defaultValue = "${project.build.testOutputDirectory}")
    private File objectDirectory;

    /** Where the skeletons are written. */
    @Parameter(defaultValue = "${project.build.directory}/generated-test-sources/bpf4j")
    private File generatedSourcesDirectory;

    /** Skip when tests are skipped altogether ({@code -Dmaven.test.skip}). */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean testSkip;

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
        project.addTestCompileSourceRoot(dir);
    }

    @Override
    public void execute() throws org.apache.maven.plugin.MojoExecutionException {
        if (testSkip) {
            getLog().info("bpf4j: tests skipped");
            return;
        }
        super.execute();
    }
}
