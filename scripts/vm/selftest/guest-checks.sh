#!/bin/sh
# vmtest self-test, run inside the guest: usage guest-checks.sh DIR (DIR holds VmSelfTest.class,
# attach_probe and attach_probe.bpf.o). Prints one line per check; exits 1 if any failed.
dir=$1
failed=0
bad() { echo "FAIL: $*"; failed=1; }

echo "kernel $(uname -r), BPF4J_IN_VM=$BPF4J_IN_VM, JAVA_HOME=$JAVA_HOME"

# kprobe through tracefs
t=/sys/kernel/tracing
if echo 'p:vmtest_probe do_sys_openat2' >> $t/kprobe_events; then
  echo 1 > $t/events/kprobes/vmtest_probe/enable
  cat /proc/self/stat > /dev/null
  echo 0 > $t/events/kprobes/vmtest_probe/enable
  n=$(grep -c 'vmtest_probe:' $t/trace)
  echo '-:vmtest_probe' >> $t/kprobe_events
  if [ "$n" -gt 0 ]; then echo "ok: tracefs kprobe_events 'p:vmtest_probe do_sys_openat2' fired $n times"
  else bad "tracefs kprobe vmtest_probe never fired"; fi
else
  bad "cannot create a kprobe event in $t/kprobe_events"
fi

# kprobe PMU (perf_event_open attach path)
if [ -r /sys/bus/event_source/devices/kprobe/type ]; then
  echo "ok: kprobe PMU type $(cat /sys/bus/event_source/devices/kprobe/type)"
else
  bad "no kprobe PMU at /sys/bus/event_source/devices/kprobe/type"
fi

# BPF LSM active
lsm=$(cat /sys/kernel/security/lsm)
case ",$lsm," in
  *,bpf,*) echo "ok: LSM list $lsm" ;;
  *) bad "bpf not in the LSM list: $lsm" ;;
esac

# bpf() through FFM
if java --enable-native-access=ALL-UNNAMED -cp "$dir" VmSelfTest; then echo "ok: VmSelfTest (FFM bpf map + prog)"
else bad "VmSelfTest"; fi

# kprobe, fentry and LSM programs through libbpf
if "$dir/attach_probe" "$dir/attach_probe.bpf.o"; then echo "ok: libbpf kprobe/fentry/lsm programs attached and fired"
else bad "attach_probe"; fi

exit $failed
