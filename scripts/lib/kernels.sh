# Shared by scripts/vmtest and scripts/kernel-matrix: which Debian kernel package a kernel name means.
#
# Names: cloud-amd64, amd64, rt-amd64 are the bookworm (6.1) kernels of the system's apt sources;
# 6.12-cloud-amd64, 6.12-amd64, 6.12-rt-amd64 are the 6.12 kernels of bookworm-backports, which the
# default sources do not list. For those, apt runs with a private configuration under the kernel cache
# (APT_CONFIG: its own sources.list naming only bookworm-backports, its own package lists and archive
# cache), so the system's sources and lists are neither read nor changed.

# NAME -> 0 when NAME is a kernel name of this file
bpf4j_kernel_name_ok() {
  case $1 in cloud-amd64|amd64|rt-amd64|6.12-cloud-amd64|6.12-amd64|6.12-rt-amd64) return 0 ;; esac
  return 1
}

# NAME -> the regular expression of its packages' names (for apt-cache search) and, with a second
# argument "file", of its releases' cached vmlinuz files (REL.vmlinuz)
bpf4j_kernel_regex() {
  local re
  case $1 in
    6.12-*) re="6\\.12\\.[0-9]+\\+deb12-${1#6.12-}" ;;
    *) re="[0-9.]+-[0-9]+-$1" ;;
  esac
  if [ "${2:-}" = file ]; then echo "^$re\\.vmlinuz\$"; else echo "^linux-image-$re\$"; fi
}

# NAME -> 0 when NAME's packages come from bookworm-backports (the private apt configuration)
bpf4j_kernel_backports() { case $1 in 6.12-*) return 0 ;; esac; return 1; }

# CACHE -> prints the private APT_CONFIG for bookworm-backports, written under CACHE/apt-backports
bpf4j_backports_apt_config() {
  local d=$1/apt-backports
  mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/sources.list.d" "$d/preferences.d"
  if [ ! -s "$d/apt.conf" ]; then
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" \
      > "$d/sources.list"
    cat > "$d/apt.conf.tmp" <<EOF
Dir::Etc::sourcelist "$d/sources.list";
Dir::Etc::sourceparts "$d/sources.list.d";
Dir::Etc::preferencesparts "$d/preferences.d";
Dir::State::lists "$d/lists";
Dir::Cache "$d";
Dir::Cache::archives "$d/archives";
EOF
    mv "$d/apt.conf.tmp" "$d/apt.conf"
  fi
  echo "$d/apt.conf"
}

# CACHE [force] -> refreshes the private bookworm-backports package lists when they are missing,
# older than six hours or "force" is given (as root; the lists are then the registry's of today)
bpf4j_backports_update() {
  local conf d
  conf=$(bpf4j_backports_apt_config "$1"); d=${conf%/apt.conf}
  if [ "${2:-}" != force ] && [ -n "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' -mmin -360 2>/dev/null)" ]; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || { [ -n "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null)" ]; return; }
  APT_CONFIG=$conf apt-get update -qq >/dev/null 2>&1
}

# NAME CACHE -> prints the newest package of NAME that apt knows (empty when none)
bpf4j_newest_kernel_package() {
  local re; re=$(bpf4j_kernel_regex "$1")
  if bpf4j_kernel_backports "$1"; then
    APT_CONFIG=$(bpf4j_backports_apt_config "$2") apt-cache search --names-only "$re" 2>/dev/null
  else
    apt-cache search --names-only "$re" 2>/dev/null
  fi | awk '{print $1}' | sort -V | tail -n 1
}

# NAME CACHE COMMAND... -> runs COMMAND with the apt configuration NAME's packages come from; for
# bookworm-backports it says so in one line on stderr, prefixed by $bpf4j_kernel_who
bpf4j_with_kernel_apt() {
  local name=$1 cache=$2 conf; shift 2
  if bpf4j_kernel_backports "$name"; then
    conf=$(bpf4j_backports_apt_config "$cache")
    # fetch-btf.sh installs its missing tools with apt-get, which the private sources cannot serve
    local t missing=()
    for t in dpkg-deb:dpkg objcopy:binutils lz4:lz4 zstd:zstd xz:xz-utils gzip:gzip; do
      command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t#*:}")
    done
    if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || true
    fi
    echo "${bpf4j_kernel_who:-bpf4j}: bookworm-backports enabled for this fetch only, in ${conf%/apt.conf}/sources.list (APT_CONFIG; the system's apt sources are not used)" >&2
    APT_CONFIG=$conf "$@"
  else
    "$@"
  fi
}
