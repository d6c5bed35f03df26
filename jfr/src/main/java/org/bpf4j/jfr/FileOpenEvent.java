package org.bpf4j.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** An open(2)/openat(2) of the target, with its path, flags and result. */
@Name("bpf4j.FileOpen")
@Label("File Open")
@Category({"Kernel", "File System"})
final class FileOpenEvent extends KernelEvent {
    @Label("Path")
    String path;

    @Label("Flags")
    String flags;

    @Label("Result")
    @jdk.jfr.Description("The file descriptor, or -errno")
    long result;
}
