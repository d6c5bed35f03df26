#!/usr/bin/env bash
# vmtest --selftest (started by scripts/vmtest): usage run-selftest.sh VMTEST [--kernel K]... [vmtest options]
# Needs VMTEST_JUNIT_JAR and VMTEST_JDK from scripts/vmtest. Compiles this directory's Java (and, when
# clang-19, cc and libbpf-dev are there, the libbpf kprobe/fentry/LSM checker) and proves on each kernel:
#   1. exit status and output of 'sh -c "uname -r; ls /sys/kernel/btf/vmlinux; exit 3"' (all kernels in one run)
#   2. guest-checks.sh: tracefs kprobe, kprobe PMU, BPF LSM, FFM bpf() (VmSelfTest), libbpf attach
#   3. --junit --include-tag vmtest-selftest runs exactly 1 test, which passes; an aborted test
#      (failed assumption) is counted, and fails the run with --strict
#   4. a hanging guest is killed after --timeout (exit 124) and leaves no qemu behind
#   5. a panicking guest is reported (exit 125)
set -uo pipefail
vmtest=$1; shift
opts=() kernels=() cache=""
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernels+=(--kernel "$2"); shift 2 ;;
    --cache) cache=$2; opts+=("$1" "$2"); shift 2 ;;
    *) opts+=("$1" "$2"); shift 2 ;;
  esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar=${VMTEST_JUNIT_JAR:?} jdk=${VMTEST_JDK:?}
nk=$(( ${#kernels[@]} / 2 ))
d=$(mktemp -d "$cache/vmtest/run.$$.selftest.XXXXXX")   # removed by vmtest if this process dies
trap 'rm -rf "$d"' EXIT
results=() failed=0
check() {   # NAME CONDITION-STATUS
  if [ "$2" = 0 ]; then results+=("ok    $1"); else results+=("FAIL  $1"); failed=1; fi
}

mkdir -p "$d/classes"
"$jdk/bin/javac" -Xlint:all,-restricted -d "$d/classes" -cp "$jar" "$here/VmSelfTest.java" "$here/VmSelfTaggedTest.java" \
  || { echo "selftest: javac failed" >&2; exit 1; }
cp "$d/classes/VmSelfTest.class" "$d/"
have_libbpf=0
if command -v clang-19 >/dev/null && command -v cc >/dev/null && [ -f /usr/include/bpf/libbpf.h ]; then
  clang-19 -g -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$here/attach_probe.bpf.c" -o "$d/attach_probe.bpf.o" \
    && cc -O2 -Wall -o "$d/attach_probe" "$here/attach_probe.c" -lbpf && have_libbpf=1
fi
[ $have_libbpf = 1 ] || echo "selftest: clang-19/cc/libbpf-dev missing: the libbpf kprobe/fentry/LSM check is left out" >&2

echo "### 1. exit status and output"
"$vmtest" "${kernels[@]}" "${opts[@]}" -- sh -c 'uname -r; ls /sys/kernel/btf/vmlinux; exit 3' | tee "$d/out1"
rc=${PIPESTATUS[0]}
out=$(cat "$d/out1")
n=$(grep -c '^/sys/kernel/btf/vmlinux$' <<< "$out")
rel=$(grep -cE '^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-' <<< "$out")
check "1. 'exit 3' -> exit $rc (want 3), $n BTF lines and $rel releases (want $nk each)" \
  $([ $rc = 3 ] && [ "$n" = $nk ] && [ "$rel" = $nk ]; echo $?)

echo "### 2. kprobes, LSM, FFM bpf(), libbpf attach"
cp "$here/guest-checks.sh" "$d/"
extra=(); [ $have_libbpf = 1 ] && extra=(--copy "$d/attach_probe")
"$vmtest" "${kernels[@]}" "${opts[@]}" --copy "$d" ${extra[@]+"${extra[@]}"} -- sh "$d/guest-checks.sh" "$d" | tee "$d/out2"
rc=${PIPESTATUS[0]}
out=$(cat "$d/out2")
n=$(grep -c '^ok: ' <<< "$out")
want=$(( nk * (4 + have_libbpf) ))
check "2. guest checks -> exit $rc (want 0), $n ok lines (want $want)" $([ $rc = 0 ] && [ "$n" = $want ]; echo $?)

echo "### 3. --junit --include-tag vmtest-selftest"
"$vmtest" "${kernels[@]}" "${opts[@]}" --junit --include-tag vmtest-selftest --classpath "$d/classes" | tee "$d/out3"
rc=${PIPESTATUS[0]}
out=$(cat "$d/out3")
n=$(grep -cE '\[ +1 tests successful +\]' <<< "$out")
f=$(grep -cE '\[ +0 tests failed +\]' <<< "$out")
check "3. junit -> exit $rc (want 0), '1 tests successful' $n times, '0 tests failed' $f times (want $nk)" \
  $([ $rc = 0 ] && [ "$n" = $nk ] && [ "$f" = $nk ]; echo $?)

first=("${kernels[0]}" "${kernels[1]}")
echo "### 3b. --junit --strict with an aborted test"
"$vmtest" "${first[@]}" "${opts[@]}" --junit --strict --include-tag vmtest-selftest-aborted --classpath "$d/classes" \
  | tee "$d/out3b"
rc=${PIPESTATUS[0]}
n=$(grep -cE '^vmtest: [^ ]+: 1 tests, 0 failed, 1 aborted, 0 skipped$' "$d/out3b")
check "3b. aborted test with --strict -> exit $rc (want 1), counted as aborted $n times (want 1)" \
  $([ $rc = 1 ] && [ "$n" = 1 ]; echo $?)

echo "### 4. hanging guest"
start=$(date +%s)
"$vmtest" "${first[@]}" "${opts[@]}" --timeout 20 -- sh -c 'echo hanging; sleep 1000'
rc=$?
took=$(( $(date +%s) - start ))
sleep 1
left=$(pgrep -f "qemu-system-x86_64.*$cache/vmtest/run\." | wc -l)
check "4. hang -> exit $rc (want 124) after ${took}s (want < 40), $left qemu left (want 0)" \
  $([ $rc = 124 ] && [ $took -lt 40 ] && [ "$left" = 0 ]; echo $?)

echo "### 5. panicking guest"
"$vmtest" "${first[@]}" "${opts[@]}" -- sh -c 'echo c > /proc/sysrq-trigger; sleep 100' 2>&1 | tail -n 3
rc=${PIPESTATUS[0]}
check "5. kernel panic -> exit $rc (want 125)" $([ $rc = 125 ]; echo $?)

echo "### vmtest selftest summary"
printf '  %s\n' "${results[@]}"
exit $failed
