# hugetlbfs: the pool through busybox's sysctl, a hugetlbfs mount, a file
# sized in huge pages (and one size it refuses). Restores the pool.
old=$(cat /proc/sys/vm/nr_hugepages)
sysctl -w vm.nr_hugepages=2
grep -E '^HugePages_(Total|Free):' /proc/meminfo
dir=/tmp/hugetlbfs.sh
mkdir -p $dir
mount -t hugetlbfs none $dir && echo mounted
grep -c " $dir hugetlbfs " /proc/mounts
: > $dir/file
truncate -s 2M $dir/file; echo "truncate status $?"
stat -c %s $dir/file
truncate -s 4096 $dir/file 2> /dev/null; echo "truncate to 4096 status $?"
rm $dir/file && umount $dir && rmdir $dir && echo removed
sysctl -w vm.nr_hugepages=$old > /dev/null
[ "$(cat /proc/sys/vm/nr_hugepages)" = "$old" ] && echo restored
echo done
