# Files: mkdir, cp, mv, rm, ln, chmod, stat, dd, cmp, checksums, ls,
# head, tail, wc; the data written must read back the same.
work=$(mktemp -d); cd "$work" || exit 1
mkdir -p a/b/c && echo made a/b/c
dd if=/dev/zero of=zeros bs=4096 count=16 2>/dev/null
dd if=/dev/zero bs=1000 count=3 2>/dev/null | tr '\0' 'x' > xs
wc -c zeros xs
md5sum zeros xs
sha256sum zeros
i=0; while [ $i -lt 200 ]; do echo "line $i of the pattern file"; i=$((i + 1)); done > pattern
dd if=pattern of=blocks bs=512 2>/dev/null
cmp pattern blocks && echo "dd copy is the same"
dd if=pattern of=part bs=100 skip=3 count=2 2>/dev/null; wc -c < part; head -c 20 part; echo
dd if=pattern of=sparse bs=1 seek=10000 count=7 2>/dev/null; wc -c < sparse
od -A d -t x1 sparse | head -n 2
cp pattern a/b/c/copy && cmp pattern a/b/c/copy && echo "cp copy is the same"
md5sum pattern a/b/c/copy | awk '{print $1}' | uniq | wc -l
mv a/b/c/copy a/moved && [ ! -e a/b/c/copy ] && echo "mv moved it"
ln a/moved hard && ln -s a/moved soft
stat -c '%n %h %F' hard soft a/moved
readlink soft; cat soft | tail -n 1
chmod 640 hard; stat -c '%a %A' a/moved
chmod u+x,g-r hard; stat -c '%a' hard
touch empty; [ -s empty ] || echo "empty is empty"; [ -f empty ] && echo "empty is a file"
head -n 3 pattern; tail -n 2 pattern; wc -l pattern
ls a; ls -a a/b | sort
ls -l soft | awk '{print $1, $NF}'
rm -r a hard soft; [ -e a ] || echo "rm -r removed a"
cmp pattern xs >/dev/null 2>&1; echo "cmp of different files: $?"
cd / && rm -r "$work"
echo done
