package org.bpf4j.btf;

/**
 * A minimal "CLI" for measuring JVM exec-to-ready time with kernel BTF (not a test): loads
 * {@link Btf#kernel()}, looks up struct task_struct (building the name index) and prints its id.
 * No string concatenation or formatting, which would add their own bootstrap cost. Time it with
 * {@code time java -cp core/target/bpf4j-core-VERSION.jar:bench/target/bpf4j-bench-VERSION.jar org.bpf4j.btf.BtfStartup}.
 */
public final class BtfStartup {
    public static void main(String[] args) {
        Btf btf = Btf.kernel();
        int id = btf.find("task_struct", BtfKind.STRUCT);
        System.out.println(id);
    }
}
