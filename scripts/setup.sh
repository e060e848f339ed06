#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Install the Debian 12 packages bcdkit needs to build and to run every test.
# Idempotent: it asks dpkg first and calls apt-get only for what is missing, so
# it returns at once on a machine that already has everything.
set -eu

BUILD_PKGS="autoconf automake libtool pkg-config make gcc libxml2-dev check
  ntfs-3g-dev libwim-dev libfuse-dev xz-utils"
TEST_PKGS="libhivex-dev libhivex-bin libregf-utils reglookup qemu-utils
  libvhdi-utils ntfs-3g wimtools fdisk gdisk valgrind strace python3 python3-jsonschema
  libwin-hivex-perl
  groff-base mandoc binutils
  qemu-system-x86 ovmf seabios grub-efi-amd64-bin grub-common nasm syslinux-common
  dosfstools mtools clang"

missing=""
for p in $BUILD_PKGS $TEST_PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup: all packages present"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi

echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"
