# Text tools: grep, sed, awk, sort, uniq, cut, tr, find, xargs,
# hexdump, od.
work=$(mktemp -d); cd "$work" || exit 1
cat > fruits <<END
banana 3 yellow
apple 7 red
cherry 12 red
date 5 brown
apple 2 green
END
grep -c red fruits; grep -n '^a' fruits; grep -v red fruits | grep -i BANANA
grep -E 'ch?err?y|date' fruits | cut -d' ' -f1
sed -n '2,3p' fruits; sed 's/\([a-z]*\) \([0-9]*\).*/\2=\1/' fruits | head -n 2
sed -e '/date/d' -e 's/red/RED/' fruits
awk '{ total += $2; count[$3]++ } END { print "total", total; for (c in count) print c, count[c] | "sort" }' fruits
awk -F' ' '$2 > 4 { printf "%-8s|%3d\n", $1, $2 }' fruits
awk 'BEGIN { x = sprintf("%05.1f", 3.14159); print x, length("four"), substr("antidote", 5), toupper("up") }'
sort fruits | head -n 2; sort -k2 -n fruits | cut -d' ' -f1 | tr '\n' ' '; echo
sort -r -k1,1 -k2,2n fruits | head -n 3
cut -d' ' -f1 fruits | sort | uniq -c | sort -rn | head -n 1
mkdir -p tree/x/y tree/z
for f in tree/one.txt tree/x/two.txt tree/x/y/three.txt tree/z/four.log; do echo "$f" > "$f"; done
find tree -type f | sort
find tree -name '*.txt' | sort | xargs cat
find tree -type d | sort | xargs -n 1 basename | tr '\n' ' '; echo
find tree -name '*.log' -exec cat {} \;
find tree -type f | sort | xargs wc -c | tail -n 1
echo "a b c d e" | xargs -n 2 echo
printf 'AB\001\377' | hexdump -C
printf 'hello\n' | od -c
printf '\x01\x02\x03\x04' | od -A x -t x2
printf 'tabs\tand spaces' | tr '\t ' '_-'; echo
cd / && rm -r "$work"
echo done
