# Shared by bpf4j's scripts: find (and, as root with apt, install) the tools the build needs.

# Installs Debian packages when missing, as root; prints what to install otherwise.
bpf4j_apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bpf4j: missing packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})" >&2
    return 1
  fi
  echo "bpf4j: installing ${missing[*]}" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || {
      echo "bpf4j: could not install ${missing[*]}" >&2; return 1; }
  fi
}

# The shared fetch-btf.sh (Debian kernels' BTF and images) for the checkout at $1: BPF4J_FETCH_BTF,
# else ../shared/kernels beside the checkout (as CI has it), else /work/shared/kernels.
bpf4j_fetch_btf() {
  if [ -n "${BPF4J_FETCH_BTF:-}" ]; then echo "$BPF4J_FETCH_BTF"
  elif [ -x "$1/../shared/kernels/fetch-btf.sh" ]; then echo "$(cd "$1/../shared/kernels" && pwd)/fetch-btf.sh"
  else echo /work/shared/kernels/fetch-btf.sh; fi
}

# Prints a clang on PATH that can target BPF with the CO-RE builtins bpf4j's programs use (15 or
# newer); fails if there is none.
bpf4j_clang_on_path() {
  local c v
  for c in clang-19 clang-21 clang-20 clang-18 clang-17 clang-16 clang-15 clang; do
    command -v "$c" >/dev/null 2>&1 || continue
    v=$("$c" -dumpversion 2>/dev/null | cut -d. -f1)
    if [ -n "$v" ] && [ "$v" -ge 15 ]; then echo "$c"; return 0; fi
  done
  return 1
}

# The same, installing clang-19 (with llvm-19 and libbpf-dev) when there is none.
find_clang() {
  bpf4j_clang_on_path && return 0
  bpf4j_apt_install clang-19 llvm-19 libbpf-dev >&2 || return 1
  command -v clang-19
}

# What `mvn package` needs (Maven; a clang for the BPF target, with llvm's tools; libbpf's headers):
# installs the missing ones (one line: "bpf4j: installing ..."), or says what to install.
bpf4j_build_deps() {
  local need=()
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  bpf4j_clang_on_path >/dev/null || need+=(clang-19 llvm-19)
  [ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)
  [ ${#need[@]} -eq 0 ] || bpf4j_apt_install "${need[@]}"
}

find_llvm_strip() {
  local clang=$1 v
  v=$("$clang" -dumpversion | cut -d. -f1)
  for s in "llvm-strip-$v" llvm-strip; do
    command -v "$s" >/dev/null 2>&1 && { echo "$s"; return 0; }
  done
  bpf4j_apt_install "llvm-$v" >&2 && command -v "llvm-strip-$v"
}

bpf4j_java_ok() { # $1 = JAVA_HOME candidate; reads its release file (no JVM start: start-up time matters)
  [ -x "$1/bin/java" ] && [ -f "$1/release" ] || return 1
  local line v
  while IFS= read -r line; do
    case "$line" in JAVA_VERSION=*) v=${line#JAVA_VERSION=\"}; v=${v%%[.\"]*};; esac
  done < "$1/release"
  [ -n "${v:-}" ] && [ "$v" -ge 25 ] 2>/dev/null
}

# Sets bpf4j_java_home to a JDK 25+ (JAVA_HOME first, then /usr/lib/jvm), in this shell: no
# subshell, which the launcher's start-up time would pay for.
bpf4j_locate_java() {
  if [ -n "${JAVA_HOME:-}" ] && bpf4j_java_ok "$JAVA_HOME"; then bpf4j_java_home=$JAVA_HOME; return; fi
  local d
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/*; do
    [ -d "$d" ] && bpf4j_java_ok "$d" && { bpf4j_java_home=$d; return; }
  done
  echo "bpf4j: no JDK 25 or newer found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  exit 1
}

bpf4j_find_java() {
  bpf4j_locate_java
  echo "$bpf4j_java_home"
}
