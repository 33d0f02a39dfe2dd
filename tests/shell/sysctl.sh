# sysctl: read and write /proc/sys through busybox's sysctl, and the
# value read back the same way and through the file. Restores the value.
key=vm.memory_failure_early_kill
file=/proc/sys/vm/memory_failure_early_kill
old=$(cat $file)
sysctl -w $key=1
sysctl $key
sysctl -n $key
cat $file
echo 0 > $file; sysctl $key
sysctl -w $key=$old > /dev/null
[ "$(cat $file)" = "$old" ] && echo restored
sysctl vm.memory_failure_recovery
sysctl -w vm.no_such_key=1; echo "unknown key status $?"
echo done
