package org.bpf4j.maven;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** The parameters and the run shared by the {@code compile} and {@code test-compile} goals. */
abstract class AbstractBpfMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The Java package of the skeletons; the objects are packed as class path resources in the
     * same package ({@code PACKAGE/NAME.bpf.o}), where the skeletons' {@code open()} finds them.
     */
    @Parameter(property = "bpf4j.packageName", required = true)
    protected String packageName;

    /** More directories for {@code #include}; the source directory comes first by itself. */
    @Parameter
    protected List<File> includeDirectories = new ArrayList<>();

    /** The clang to run; by default the newest clang 15+ on the PATH (clang-21 ... clang-15, clang). */
    @Parameter(property = "bpf4j.clang")
    protected String clang;

    /** More clang arguments, after {@code -g -O2 -target bpf -D__TARGET_ARCH_... -I... -Wall}. */
    @Parameter
    protected List<String> clangArguments = new ArrayList<>();

    /** Strip DWARF from the objects (keeping .BTF and .BTF.ext), as libbpf-tools do. */
    @Parameter(property = "bpf4j.strip", defaultValue = "true")
    protected boolean strip;

    /** Generate a Java skeleton per object. */
    @Parameter(property = "bpf4j.skeletons", defaultValue = "true")
    protected boolean skeletons;

    /**
     * Structs to make records of although no map, global variable or program argument uses them,
     * as bpf2go's {@code -type} (an event struct sent through a ring buffer): {@code <type>event</type>}.
     * {@code <type>events=event</type>} also gives the skeleton a typed reader of ring buffer or
     * perf event array {@code events}: {@code skel.events(e -> ...)}. No dummy variable is needed in
     * the source: the plugin compiles it a second time, for BTF only, with the structs named.
     */
    @Parameter
    protected List<String> types = new ArrayList<>();

    /** Skip this goal. */
    @Parameter(property = "bpf4j.skip", defaultValue = "false")
    protected boolean skip;

    abstract File sourceDirectory();

    abstract File objectDirectory();

    abstract File generatedSourcesDirectory();

    abstract void addSourceRoot(String dir);

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("bpf4j: skipped");
            return;
        }
        if (!sourceDirectory().isDirectory()) {
            getLog().debug("bpf4j: no " + sourceDirectory());
            return;
        }
        List<Path> includes = new ArrayList<>();
        for (File f : includeDirectories) includes.add(f.toPath());
        BpfBuild.Settings s = new BpfBuild.Settings(sourceDirectory().toPath(), includes, clang,
                clangArguments == null ? List.of() : clangArguments, strip, packageName, objectDirectory().toPath(),
                generatedSourcesDirectory().toPath(), skeletons, types == null ? List.of() : types);
        try {
            BpfBuild.Result r = BpfBuild.run(s, line -> getLog().info("bpf4j: " + line));
            if (r.objects().isEmpty()) {
                getLog().info("bpf4j: no *.bpf.c in " + sourceDirectory());
                return;
            }
            if (r.compiled().isEmpty()) getLog().info("bpf4j: " + r.objects().size() + " object(s) up to date");
        } catch (BpfBuild.BuildException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("bpf4j: " + e.getMessage(), e);
        }
        if (skeletons) addSourceRoot(generatedSourcesDirectory().getAbsolutePath());
    }
}
