// SPDX-License-Identifier: Apache-2.0
/*
 * core_oracle: the CO-RE relocation oracle for bpf4j's tests.
 *
 * usage: core_oracle [--log] [--real-kernel] OBJECT.o TARGET.btf
 *
 * Makes libbpf (the system's libbpf, Debian's 1.1.2) resolve every CO-RE relocation of every
 * program in OBJECT.o against TARGET.btf (bpf_object_open_opts.btf_custom_path) and prints one
 * line per relocation record of the object's .BTF.ext, sorted by program name, then instruction:
 *
 *   program<TAB>insn<TAB>kind<TAB>type<TAB>access<TAB>result
 *
 * program  the name libbpf gives the (sub)program holding the relocated instruction: the ELF
 *          function symbol. libbpf 1.1 applies CO-RE relocations before it appends subprograms
 *          to their callers, so a relocation inside a subprogram is reported once, under the
 *          subprogram's own name, with an index relative to the subprogram's first instruction.
 * insn     instruction index within that program (the number libbpf's log prints after
 *          "patched insn #" / "substituting insn #").
 * kind     libbpf's name of the relocation kind (byte_off, ..., enumval_value).
 * type     name of the local root type (no "struct "/"enum " prefix); "" for an anonymous type.
 * access   the access string recorded by clang ("0:1:2"; "0" for type-based kinds; the
 *          enumerator index for enumval kinds).
 * result   the value libbpf patched in (decimal, as libbpf's log prints it: an unsigned 64-bit
 *          number, so a negative enumerator value of a 32-bit enum shows as 2^64 - |v|), or
 *          "poison" (libbpf replaced the instruction with an invalid call), or
 *          "error" (libbpf failed the relocation and with it the whole object load; the reason
 *          is libbpf's warning, repeated on stderr), or "unprocessed" (libbpf stopped at an
 *          earlier error and never reached this relocation).
 *
 * The result comes from libbpf's own debug log (libbpf_set_print at LIBBPF_DEBUG); the other
 * columns come from the object's .BTF.ext/.BTF/symbol table, and the oracle checks that they
 * agree with the log (same kind, same instruction), failing loudly otherwise.
 *
 * libbpf only relocates during bpf_object__load(), which also needs a working bpf() syscall
 * before it gets that far (it probes the kernel first). To stay independent of the host kernel
 * and of privileges, the oracle by default defines syscall() itself: libbpf.so calls bpf()
 * through libc's syscall(), and the executable's definition wins symbol resolution. bpf()
 * commands that create objects (PROG_LOAD, BTF_LOAD, MAP_CREATE) get a dummy descriptor
 * (/dev/null), map updates/freezes succeed, anything else fails with EINVAL; every other
 * syscall goes to libc. CO-RE relocation does not depend on kernel features, so this changes
 * nothing in the results; --real-kernel (or CORE_ORACLE_REAL_KERNEL=1) lets libbpf talk to the
 * real kernel instead (needs root; programs may then really be loaded, and unloaded at exit).
 *
 * Exit status: 0 when every relocation record was accounted for (whatever libbpf decided),
 * 1 when the oracle itself failed (bad arguments, unreadable object, log it cannot parse).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

/* ------------------------------------------------------------------ fake bpf() */

static bool real_kernel;

static long fake_bpf(long cmd)
{
	switch (cmd) {
	case BPF_PROG_LOAD:
	case BPF_BTF_LOAD:
	case BPF_MAP_CREATE:
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_FREEZE:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

long syscall(long number, ...)
{
	static long (*next)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (number == __NR_bpf && !real_kernel)
		return fake_bpf(a[0]);
	if (!next)
		next = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return next(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ------------------------------------------------------------------ utilities */

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("core_oracle: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		die("out of memory");
	return p;
}

static const char *kind_names[] = {
	"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64",
	"local_type_id", "target_type_id", "type_exists", "type_size",
	"enumval_exists", "enumval_value", "type_matches",
};

#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

/* ------------------------------------------------------------------ libbpf log */

static char *log_buf;
static size_t log_len, log_cap;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char tmp[4096];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, args);

	(void)level;
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (log_len + n + 1 > log_cap) {
		log_cap = (log_len + n + 1) * 2;
		log_buf = realloc(log_buf, log_cap);
		if (!log_buf)
			die("out of memory");
	}
	memcpy(log_buf + log_len, tmp, n);
	log_len += n;
	log_buf[log_len] = 0;
	return n;
}

/* ------------------------------------------------------------------ object */

struct func {
	char *name;
	size_t shndx;
	uint64_t off;	/* bytes */
	uint64_t size;	/* bytes */
};

enum res_state { R_UNPROCESSED, R_VALUE, R_POISON, R_ERROR };

struct relo {
	/* from the object */
	const char *sec;
	int idx;		/* index within its .BTF.ext section, libbpf's "relo #N" */
	const char *prog;
	int insn;
	uint32_t kind;
	const char *type;
	const char *access;
	/* from libbpf's log */
	bool spec_seen;
	char log_kind[32];
	enum res_state state;
	unsigned long long value;
	int patched_insn;	/* -1 when none */
	int poison_insn;	/* lowest "substituting insn #" index, -1 when none */
};

static struct func *funcs;
static size_t nfuncs;
static struct relo *relos;
static size_t nrelos;

static Elf_Scn *find_scn(Elf *elf, size_t shstrndx, const char *name, size_t *idx)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			if (idx)
				*idx = elf_ndxscn(scn);
			return scn;
		}
	}
	return NULL;
}

static const struct func *func_at(size_t shndx, uint64_t off)
{
	for (size_t i = 0; i < nfuncs; i++)
		if (funcs[i].shndx == shndx && off >= funcs[i].off &&
		    off < funcs[i].off + funcs[i].size)
			return &funcs[i];
	return NULL;
}

static void read_object(const char *path, const struct btf *btf)
{
	size_t shstrndx, symidx = 0;
	Elf_Scn *scn, *symscn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf init failed");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		die("%s: not an ELF file", path);

	/* function symbols: libbpf's programs and subprograms */
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symidx = sh.sh_link;
			break;
		}
	}
	if (!symscn)
		die("%s: no symbol table", path);
	gelf_getshdr(symscn, &sh);
	d = elf_getdata(symscn, NULL);
	size_t nsyms = sh.sh_size / sh.sh_entsize;
	funcs = xcalloc(nsyms, sizeof(*funcs));
	for (size_t i = 0; i < nsyms; i++) {
		GElf_Sym sym;

		if (!gelf_getsym(d, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		funcs[nfuncs].name = strdup(elf_strptr(elf, symidx, sym.st_name));
		funcs[nfuncs].shndx = sym.st_shndx;
		funcs[nfuncs].off = sym.st_value;
		funcs[nfuncs].size = sym.st_size;
		nfuncs++;
	}

	/* .BTF.ext CO-RE relocation records */
	scn = find_scn(elf, shstrndx, ".BTF.ext", NULL);
	if (!scn)
		return; /* no .BTF.ext: no CO-RE relocations */
	d = elf_getdata(scn, NULL);
	const uint8_t *ext = d->d_buf;
	size_t ext_sz = d->d_size;
	if (ext_sz < 8)
		die("%s: .BTF.ext too short", path);
	uint16_t magic;
	uint32_t hdr_len;
	memcpy(&magic, ext, 2);
	memcpy(&hdr_len, ext + 4, 4);
	if (magic != 0xeB9F)
		die("%s: .BTF.ext has bad magic 0x%x", path, magic);
	if (hdr_len < 32)
		return; /* header without core_relo_off/len */
	uint32_t core_off, core_len;
	memcpy(&core_off, ext + 24, 4);
	memcpy(&core_len, ext + 28, 4);
	if (core_len == 0)
		return;
	const uint8_t *p = ext + hdr_len + core_off, *end = p + core_len;
	if (end > ext + ext_sz || core_len < 4)
		die("%s: .BTF.ext CO-RE section out of bounds", path);
	uint32_t rec_size;
	memcpy(&rec_size, p, 4);
	p += 4;
	if (rec_size < 16)
		die("%s: .BTF.ext CO-RE record size %u too small", path, rec_size);

	size_t cap = core_len / rec_size + 1;
	relos = xcalloc(cap, sizeof(*relos));
	while (p + 8 <= end) {
		uint32_t sec_name_off, num;
		size_t shndx;
		const char *sec;

		memcpy(&sec_name_off, p, 4);
		memcpy(&num, p + 4, 4);
		p += 8;
		sec = btf__name_by_offset(btf, sec_name_off);
		if (!sec)
			die("%s: .BTF.ext section name offset %u invalid", path, sec_name_off);
		if (!find_scn(elf, shstrndx, sec, &shndx))
			die("%s: .BTF.ext names section '%s' that the ELF file lacks", path, sec);
		for (uint32_t i = 0; i < num; i++, p += rec_size) {
			uint32_t insn_off, type_id, access_off, kind;
			const struct btf_type *t;
			const struct func *f;
			struct relo *r;

			if (p + rec_size > end)
				die("%s: .BTF.ext CO-RE records truncated", path);
			memcpy(&insn_off, p, 4);
			memcpy(&type_id, p + 4, 4);
			memcpy(&access_off, p + 8, 4);
			memcpy(&kind, p + 12, 4);
			f = func_at(shndx, insn_off);
			if (!f) {
				/* libbpf skips these too ("eliminated weak subprogram") */
				fprintf(stderr, "core_oracle: sec '%s' relo #%u: insn offset %u is in no function, skipped\n",
					sec, i, insn_off);
				continue;
			}
			t = btf__type_by_id(btf, type_id);
			if (!t)
				die("%s: relocation type id %u invalid", path, type_id);
			r = &relos[nrelos++];
			r->sec = sec;
			r->idx = i;
			r->prog = f->name;
			r->insn = (insn_off - f->off) / 8;
			r->kind = kind;
			r->type = btf__name_by_offset(btf, t->name_off);
			if (!r->type)
				r->type = "";
			r->access = btf__name_by_offset(btf, access_off);
			if (!r->access)
				die("%s: relocation access string offset %u invalid", path, access_off);
			r->patched_insn = -1;
			r->poison_insn = -1;
		}
	}
	elf_end(elf);
	close(fd);
}

static struct relo *find_relo(const char *prog, int idx)
{
	for (size_t i = 0; i < nrelos; i++)
		if (relos[i].idx == idx && !strcmp(relos[i].prog, prog))
			return &relos[i];
	return NULL;
}

/* ------------------------------------------------------------------ log parsing */

static int dump_log;
static char *raw_log;	/* the log as libbpf printed it; parse_log() cuts log_buf into lines */

static void parse_log(void)
{
	char *line = log_buf, *nl;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		char prog[256], rest[4096];
		unsigned long long from, to;
		int idx, insn, n;
		struct relo *r;

		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		if (dump_log)
			fprintf(stderr, "%s\n", line);
		/* libbpf prefixes every message with "libbpf: " */
		if (!strncmp(line, "libbpf: ", 8))
			line += 8;
		n = 0;
		if (sscanf(line, "prog '%255[^']': relo #%d: %n", prog, &idx, &n) < 2 || n == 0)
			continue;
		snprintf(rest, sizeof(rest), "%s", line + n);
		r = find_relo(prog, idx);
		if (!r)
			die("libbpf logged relo #%d of prog '%s', which the object has no record of: %s",
			    idx, prog, line);

		if (rest[0] == '<') {
			/* local spec: "<kind> [id] struct name..." */
			if (sscanf(rest, "<%31[^>]>", r->log_kind) != 1)
				die("cannot parse spec line: %s", line);
			r->spec_seen = true;
		} else if (sscanf(rest, "patched insn #%d (ALU/ALU64) imm %llu -> %llu", &insn, &from, &to) == 3 ||
			   sscanf(rest, "patched insn #%d (LDX/ST/STX) off %llu -> %llu", &insn, &from, &to) == 3 ||
			   sscanf(rest, "patched insn #%d (LDIMM64) imm64 %llu -> %llu", &insn, &from, &to) == 3) {
			r->state = R_VALUE;
			r->value = to;
			r->patched_insn = insn;
		} else if (sscanf(rest, "substituting insn #%d w/ invalid insn", &insn) == 1) {
			r->state = R_POISON;
			if (r->poison_insn < 0 || insn < r->poison_insn)
				r->poison_insn = insn;
		} else if (!strncmp(rest, "failed to relocate", 18) ||
			   !strncmp(rest, "failed to patch insn", 20) ||
			   !strncmp(rest, "failed to record relocation", 27)) {
			r->state = R_ERROR;
			fprintf(stderr, "core_oracle: %s\n", line);
		} else if (strstr(rest, "ambiguity") || strstr(rest, "doesn't support anonymous") ||
			   strstr(rest, "error matching candidate") || strstr(rest, "unexpected insn") ||
			   strstr(rest, "unrecognized") || strstr(rest, "parsing [") ||
			   strstr(rest, "too big") || strstr(rest, "unexpected form") ||
			   strstr(rest, "unexpected mem size") || strstr(rest, "invalid new mem size") ||
			   strstr(rest, "accesses field incorrectly") ||
			   strstr(rest, "target candidate search failed")) {
			fprintf(stderr, "core_oracle: %s\n", line);
		}
		/* "matching candidate", "non-matching candidate", "no matching targets found",
		 * "patched insn #N (LDX/ST/STX) mem_sz A -> B": informational */
	}
}

static void check_consistency(void)
{
	bool any_error = false;

	for (size_t i = 0; i < nrelos; i++)
		any_error |= relos[i].state == R_ERROR;
	for (size_t i = 0; i < nrelos; i++) {
		struct relo *r = &relos[i];
		const char *k = r->kind < NKINDS ? kind_names[r->kind] : "unknown";

		if (r->spec_seen && strcmp(r->log_kind, k))
			die("prog '%s' relo #%d: object says kind %s, libbpf's log says %s",
			    r->prog, r->idx, k, r->log_kind);
		if (r->state == R_VALUE && r->patched_insn != r->insn)
			die("prog '%s' relo #%d: expected insn #%d, libbpf patched insn #%d",
			    r->prog, r->idx, r->insn, r->patched_insn);
		if (r->state == R_POISON && r->poison_insn != r->insn)
			die("prog '%s' relo #%d: expected insn #%d, libbpf poisoned insn #%d",
			    r->prog, r->idx, r->insn, r->poison_insn);
		/* libbpf only stops relocating at an error; anything else means it never got that far
		 * (e.g. it could not read the host's vmlinux BTF that tp_btf programs need) */
		if (r->state == R_UNPROCESSED && !any_error) {
			if (!dump_log)
				fputs(raw_log ? raw_log : "", stderr);
			die("prog '%s' relo #%d: libbpf never processed it, and no relocation failed "
			    "(libbpf's log is above)", r->prog, r->idx);
		}
		if (r->state != R_UNPROCESSED && r->state != R_ERROR && !r->spec_seen)
			die("prog '%s' relo #%d: result without libbpf's spec line", r->prog, r->idx);
	}
}

static int cmp_relo(const void *a, const void *b)
{
	const struct relo *x = a, *y = b;
	int c = strcmp(x->prog, y->prog);

	if (c)
		return c;
	if (x->insn != y->insn)
		return x->insn < y->insn ? -1 : 1;
	return x->idx - y->idx;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct btf *btf;
	const char *path, *target;
	int argi = 1;

	real_kernel = getenv("CORE_ORACLE_REAL_KERNEL") && !strcmp(getenv("CORE_ORACLE_REAL_KERNEL"), "1");
	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "--log"))
			dump_log = 1;
		else if (!strcmp(argv[argi], "--real-kernel"))
			real_kernel = true;
		else
			die("unknown option %s", argv[argi]);
	}
	if (argc - argi != 2) {
		fprintf(stderr, "usage: core_oracle [--log] [--real-kernel] OBJECT.o TARGET.btf\n");
		return 1;
	}
	path = argv[argi];
	target = argv[argi + 1];
	if (access(target, R_OK))
		die("%s: %s", target, strerror(errno));

	btf = btf__parse_elf(path, NULL);
	if (!btf)
		die("%s: cannot read its .BTF: %s", path, strerror(errno));
	read_object(path, btf);

	libbpf_set_print(print_fn);
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = target);
	obj = bpf_object__open_file(path, &opts);
	if (!obj) {
		dump_log = 1;
		parse_log();
		die("%s: libbpf cannot open it", path);
	}
	/* The result does not matter: relocation happens before any program is loaded. */
	(void)bpf_object__load(obj);
	bpf_object__close(obj);
	libbpf_set_print(NULL);

	raw_log = strdup(log_buf ? log_buf : "");
	parse_log();
	check_consistency();

	qsort(relos, nrelos, sizeof(*relos), cmp_relo);
	for (size_t i = 0; i < nrelos; i++) {
		struct relo *r = &relos[i];

		printf("%s\t%d\t%s\t%s\t%s\t", r->prog, r->insn,
		       r->kind < NKINDS ? kind_names[r->kind] : "unknown", r->type, r->access);
		switch (r->state) {
		case R_VALUE: printf("%llu\n", r->value); break;
		case R_POISON: printf("poison\n"); break;
		case R_ERROR: printf("error\n"); break;
		case R_UNPROCESSED: printf("unprocessed\n"); break;
		}
	}
	btf__free(btf);
	return 0;
}
