# run.sh NAME: run tests/shell/NAME.sh in a scratch directory under
# $TMPDIR (default /home: on Antidote, the ext2 disk), and print its
# output and errors between two marker lines that
# tests/system/test_busybox.py looks for. The output goes to a file
# first, so that it is a file on Antidote as on Linux (ls writes columns
# to a terminal) and no kernel message lands in the middle of it.
dir=$(dirname "$0")
export TMPDIR=${TMPDIR:-/home}
out=$TMPDIR/$1.out
sh "$dir/$1.sh" >"$out" 2>&1
status=$?
echo "=== $1 begin"
cat "$out"
echo "=== $1 end: status $status"
rm "$out"
