/**
 * BTF, the BPF Type Format: the parser ({@link org.bpf4j.btf.Btf}, also for split BTF and the
 * running kernel's BTF), materialized types ({@link org.bpf4j.btf.BtfType}), .BTF.ext
 * ({@link org.bpf4j.btf.BtfExt}: func_info, line_info, CO-RE relocations), a writer for fix-ups
 * before loading ({@link org.bpf4j.btf.BtfBuilder}), libbpf's sanitization for older kernels
 * ({@link org.bpf4j.btf.BtfSanitizer}) and bpftool's raw dump format
 * ({@link org.bpf4j.btf.BtfRawFormatter}). No system calls: kernel BTF is read from sysfs files.
 *
 * <p>Design: a {@code Btf} keeps the raw bytes and one int per type (where its record starts);
 * nothing is allocated per type when parsing, accessors decode on demand, and name lookups use a
 * compact hash index built on first use. The 5.5 MB kernel BTF (about 126k types) parses in about
 * as long as libbpf's btf__parse.
 */
package org.bpf4j.btf;
