# The system's own reports through busybox: ps, free, uptime, date,
# dmesg, mount, umount, sync, uname. Only the shape of what they print
# is compared: sizes, times and pids differ from one machine to another.
ps | head -n 1 | awk '{print $1, $NF}'
ps -o pid,comm | awk -v me=$$ '$1 == me { print "ps finds the shell:", $2 }'
sleep 30 & s=$!
# The job names itself "sleep" once it runs (prctl PR_SET_NAME): until
# then ps may show the shell that forked it.
i=0; while [ $i -lt 1000 ] && ! ps -o pid,comm | grep -q "^ *$s sleep$"; do i=$((i + 1)); done
ps -o pid,comm | awk -v p=$s '$1 == p { print "ps finds a background job:", $2 }'
kill $s; wait $s 2>/dev/null
free | awk 'NR == 1 { print $1, $2, $3 } NR == 2 { print $1, ($2 > 0 && $3 <= $2) }'
uptime | grep -c 'load average'
date +%Y | grep -c '^[0-9][0-9][0-9][0-9]$'
date -u -d @86400 '+%Y-%m-%d %H:%M:%S'
dmesg | head -n 1 | grep -c '^\[ *[0-9]*\.[0-9]*\]'
[ -n "$(uname -s)" ] && [ "$(uname -m)" = x86_64 ] && echo "uname: x86_64"
work=$(mktemp -d)
mount -t tmpfs none "$work" && echo "mounted a tmpfs"
grep -c " $work tmpfs " /proc/mounts
echo data > "$work/f"; sync; cat "$work/f"
umount "$work" && echo unmounted; [ -e "$work/f" ] || echo "its file is gone"
grep -c " $work " /proc/mounts
rmdir "$work"
cat /proc/self/stat | awk '{ print $3 }' | grep -c '^[RS]$'
echo done
