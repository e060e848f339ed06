#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# mkreg4.sh DIR: write the REGEDIT4 fixtures of tests/cli/hivetool-codepage.sh
# into DIR, byte by byte (octal escapes, no iconv: the bytes do not depend on
# the converter under test).  Each is laid out exactly as "hivetool export
# --format reg4 --prefix HKEY_LOCAL_MACHINE\SOFTWARE" writes it, so that an
# import followed by an export gives the same bytes (see fixtures/README.md).
set -eu
dir=$1

# Windows-1252: "Café" (e = 351), "Prix"="5 €" (€ = 200), "Chaîne" (î = 356)
# as hex(2) "%é%" and hex(7) "é", "€".
printf 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\r\n\r\n' > "$dir/cp1252.reg"
printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Caf\351]\r\n"Prix"="5 \200"\r\n' >> "$dir/cp1252.reg"
printf '"Cha\356ne"=hex(2):25,e9,25,00\r\n"Menu"=hex(7):e9,00,80,00,00\r\n' >> "$dir/cp1252.reg"
printf '"n"=dword:00000001\r\n\r\n' >> "$dir/cp1252.reg"

# Windows-1251: key "Привет", value "Имя"="Мир".
printf 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\r\n\r\n' > "$dir/cp1251.reg"
printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\\317\360\350\342\345\362]\r\n' >> "$dir/cp1251.reg"
printf '"\310\354\377"="\314\350\360"\r\n\r\n' >> "$dir/cp1251.reg"

# Windows-1252 with 0x81, a byte that is no character there, on line 4.
printf 'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\K]\r\n"a"="\201"\r\n' > "$dir/cp1252-bad.reg"
