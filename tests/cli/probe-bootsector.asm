; SPDX-License-Identifier: GPL-3.0-or-later
;
; A probe boot sector for the real-firmware tests (tests/cli/lib-qemu.sh).
; Loaded at 0x7C00 by the BIOS (as an MBR) or by MBR boot code (as a
; partition's volume boot record), it writes one line on COM1:
;
;   BCDKIT-BIOS-PROBE dl=80 hidden=00000800 sig=AA55
;
; dl is the drive number it was started with, hidden the "hidden sectors"
; field of the BPB it sits in (the partition's first sector when MBR code
; loaded it as a VBR), then it ends QEMU through isa-debug-exit (port 0xF4).
;
; Layout: a short jump at 0, the BPB area 3..0x59 left alone (the volume's
; own BPB is kept when the probe is installed as volume boot code, so the
; file system stays valid), code from 0x5A, the 0x55AA signature at 510.
; As an MBR only bytes 0..0x1B7 are written (signature and table kept).

bits 16
org 0x7C00

	jmp short start
	nop
	times 0x5A - ($ - $$) db 0

start:
	cli
	xor ax, ax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov sp, 0x7C00
	sti
	cld
	mov [drive], dl
	mov si, msg_head
	call puts
	mov al, [drive]
	call puthex8
	mov si, msg_hidden
	call puts
	mov ax, [0x7C1E]            ; hidden sectors, high word
	call puthex16
	mov ax, [0x7C1C]            ; low word
	call puthex16
	mov si, msg_sig
	call puts
	mov ax, [0x7DFE]
	call puthex16
	mov si, msg_end
	call puts
	mov al, 0x10                ; QEMU exits with status (0x10 << 1) | 1
	out 0xF4, al
.stop:
	cli
	hlt
	jmp .stop

; Write the NUL-terminated string at ds:si.
puts:
	lodsb
	test al, al
	jz .done
	call putc
	jmp puts
.done:
	ret

; Write al to COM1 once its transmit register is empty (QEMU needs no setup).
putc:
	push dx
	push ax
	mov dx, 0x3FD
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	pop ax
	mov dx, 0x3F8
	out dx, al
	pop dx
	ret

puthex16:
	push ax
	mov al, ah
	call puthex8
	pop ax
puthex8:
	push ax
	shr al, 4
	call puthex4
	pop ax
puthex4:
	and al, 0x0F
	add al, '0'
	cmp al, '9'
	jbe .digit
	add al, 'A' - '9' - 1
.digit:
	jmp putc

msg_head:   db 13, 10, "BCDKIT-BIOS-PROBE dl=", 0
msg_hidden: db " hidden=", 0
msg_sig:    db " sig=", 0
msg_end:    db 13, 10, 0
drive:      db 0

	times 0x1B8 - ($ - $$) db 0   ; must end before the MBR's disk signature
	times 510 - ($ - $$) db 0
	dw 0xAA55
