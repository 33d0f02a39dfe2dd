# The shell itself: variables, arithmetic, $(...), here-documents,
# functions, case, loops, redirections and pipelines.
set -u
x=3 y=4
echo "sum $((x + y)) product $((x * y)) shift $((1 << 10))"
words="alpha beta gamma"
for w in $words; do printf '[%s]' "$w"; done; echo
echo "substitution: $(echo inner $(echo nested))"
echo "length ${#words}, prefix ${words%% *}, suffix ${words##* }, default ${unset_var:-fallback}"
greet() { echo "hello, $1 ($#)"; return 7; }
greet world two; echo "returned $?"
case "file.tar.gz" in *.gz) echo gzip ;; *) echo other ;; esac
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "while counted to $i"
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo "until counted down to $i"
cat <<END
here-document with $x and $(echo command)
	tab kept
END
cat <<'END'
quoted here-document: $x stays
END
cat <<-END
	leading tabs stripped
	END
work=$(mktemp -d)
echo one > "$work/f"; echo two >> "$work/f"; cat < "$work/f"
{ echo to-stderr >&2; } 2> "$work/err"; echo "stderr went to a file: $(cat "$work/err")"
exec 3> "$work/fd3"; echo via-fd3 >&3; exec 3>&-; cat "$work/fd3"
echo pipeline | tr a-z A-Z | sed 's/E/e/g'
printf 'b\na\nc\n' | sort | head -n 2 | tail -n 1
false | true; echo "pipeline status $?"
! false; echo "negated $?"
true && echo and-list; false || echo or-list
here=$PWD; ( cd "$work" && echo "subshell moved: $([ "$PWD" = "$work" ] && echo yes)" )
echo "parent stayed: $([ "$PWD" = "$here" ] && echo yes)"
set -- a b c; shift; echo "positional $# $*"
read -r first rest <<END
line of words here
END
echo "read: $first / $rest"
while IFS=: read -r a b c; do echo "fields: $a $b $c"; done <<END
1:2:3
x:y:z
END
printf 'x:y:z\n' > "$work/fields"
fields=$(cat "$work/fields"); IFS=:; set -- $fields; unset IFS
echo "IFS split: $1 $2 $3 ($#)"
rm -r "$work"
echo done
