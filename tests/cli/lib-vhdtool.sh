# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the vhdtool end-to-end tests (sourced after lib.sh).
VHDTOOL=$(bk_tool vhdtool)

need_qemu() { command -v qemu-img >/dev/null 2>&1 || skip "qemu-img not installed"; }
need_vhdi() { command -v vhdiinfo >/dev/null 2>&1 || skip "vhdiinfo not installed"; }

# qemu's driver name for our format name.
qfmt() { case "$1" in vhd) echo vpc ;; *) echo "$1" ;; esac; }

# qemu_vsize FMT FILE: virtual size as qemu-img reports it.
qemu_vsize() {
	qemu-img info --output=json -f "$(qfmt "$1")" "$2" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])'
}

# vhdi_size FILE: media size in bytes as libvhdi reports it.
vhdi_size() {
	vhdiinfo "$1" | sed -n 's/.*Media size.*(\([0-9]*\) bytes).*/\1/p'
}

# json_get FILE KEY: one field of "vhdtool info --json".
json_get() {
	"$VHDTOOL" info --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# mkdata FILE SIZE: a sparse raw disk of SIZE bytes with random data in a
# few places (start, middle, an odd tail), so that dynamic targets get
# allocated and unallocated blocks.
mkdata() {
	truncate -s "$2" "$1"
	head -c 70000 /dev/urandom | dd of="$1" conv=notrunc status=none
	head -c 3000000 /dev/urandom | dd of="$1" bs=4096 seek=1200 conv=notrunc status=none
	printf 'end-of-disk' | dd of="$1" bs=1 seek=$(($2 - 11)) conv=notrunc status=none
}

# no_temp DIR: nothing left behind by an atomic write.
no_temp() {
	if ls "$1" | grep -q '\.tmp[0-9]'; then ls -la "$1" >&2; fail "temporary file left in $1"; fi
}
