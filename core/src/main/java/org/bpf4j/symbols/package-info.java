/**
 * Symbolizers for stack addresses: the kernel's ({@link org.bpf4j.symbols.KernelSymbols}, from
 * /proc/kallsyms), a process's ({@link org.bpf4j.symbols.ProcessSymbols}: ELF symbols of its
 * mapped files, and a JIT's perf map for anonymous code), and the JVM's
 * ({@link org.bpf4j.symbols.JvmPerfMap}: asks a HotSpot JVM to write its perf map), cached by
 * {@link org.bpf4j.symbols.Symbolizer}.
 */
package org.bpf4j.symbols;
