; The multiboot2 header: GRUB scans the first 32 KiB of the kernel file for
; this magic number and loads the kernel the multiboot2 way (32-bit protected
; mode, paging off, EAX = 0x36d76289, EBX = physical address of the boot
; information).

section .multiboot_header
align 8
header_start:
	dd 0xe85250d6                   ; multiboot2 magic
	dd 0                            ; architecture: i386 protected mode
	dd header_end - header_start    ; header length
	dd -(0xe85250d6 + 0 + (header_end - header_start)) ; checksum: sum is 0

	; end tag: no optional requests
	align 8
	dw 0                            ; type
	dw 0                            ; flags
	dd 8                            ; size
header_end:
