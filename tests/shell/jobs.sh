# Background jobs, wait, kill and traps.
work=$(mktemp -d)
( sleep 1; echo slow > "$work/slow" ) &
slow=$!
( echo fast > "$work/fast" ) &
wait $!; echo "fast job: $(cat "$work/fast")"
wait $slow; echo "slow job: $(cat "$work/slow"), status $?"
( exit 3 ) & wait $!; echo "background exit status $?"
sleep 100 & victim=$!
kill $victim; wait $victim; echo "killed job status $? (128 + SIGTERM)"
sleep 100 & victim=$!
kill -9 $victim; wait $victim; echo "SIGKILL status $?"
trap 'echo caught USR1' USR1
kill -USR1 $$; echo "after USR1"
trap 'echo caught TERM in child; exit 5' TERM
sh -c 'trap "echo child caught TERM; exit 5" TERM; kill -TERM $$; echo not reached' ; echo "child status $?"
trap - USR1 TERM
for n in 1 2 3; do ( echo "worker $n" > "$work/w$n" ) & done
wait; cat "$work/w1" "$work/w2" "$work/w3"
sh -c 'trap "echo exit trap ran" EXIT; echo in subshell'
sh -c 'trap "echo INT ignored" INT; kill -INT $$; echo after INT'
result=$(sleep 1 & wait; echo waited in substitution); echo "$result"
rm -r "$work"
echo done
