# SPDX-License-Identifier: GPL-2.0
# Sourced by tests.sh with kshm loaded: unloading is refused while a
# region is open or mapped, and the mapping still holds its data after.

exec 3</dev/kshm0
expect_fail "$group/rmmod_refused_while_open" rmmod kshm
exec 3<&-

# kshm-hold maps kshm0, writes a pattern, closes the fd and waits on
# stdin; then checks the pattern and exits 0.
mkfifo /tmp/hold
kshm-hold /dev/kshm0 </tmp/hold >/tmp/hold.out &
hold=$!
exec 4>/tmp/hold
i=0
while ! grep -q ready /tmp/hold.out 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect "$group/hold_mapping_ready" grep -q ready /tmp/hold.out
expect "$group/mappings_counted_after_fd_closed" \
	test "$(sysval kshm0 mappings)" -ge 1
expect_fail "$group/rmmod_refused_while_mapped" rmmod kshm
exec 4>&-
wait $hold
expect "$group/mapping_intact_after_refused_rmmod" test $? -eq 0
rm -f /tmp/hold /tmp/hold.out
expect "$group/mappings_zero_after_exit" test "$(sysval kshm0 mappings)" -eq 0
