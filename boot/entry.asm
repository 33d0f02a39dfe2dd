; From GRUB to C. GRUB enters _start in 32-bit protected mode with paging off.
; We check that we were booted by multiboot2 and that the CPU can run us,
; build temporary page tables, switch to 64-bit long mode, jump to the
; kernel's higher-half address and call kmain(magic, multiboot_info).
;
; The temporary page tables use 2 MiB pages to map the first 4 GiB of
; physical memory at virtual 0 (identity: needed while we switch, and while
; kmain reads GRUB's boot information), and the first 2 GiB again at
; 0xffffffff80000000, where the kernel is linked. mm/paging.c replaces them.

KERNEL_VMA          equ 0xffffffff80000000
MB2_BOOT_MAGIC      equ 0x36d76289
COM1                equ 0x3f8
PTE_PRESENT_RW      equ 0x3
PTE_HUGE            equ 0x80
EFER_MSR            equ 0xc0000080
EFER_LME            equ 1 << 8
EFER_NXE            equ 1 << 11
CR0_PG              equ 1 << 31
CR0_WP              equ 1 << 16
CR4_PAE             equ 1 << 5

extern kmain

; ---------------------------------------------------------------- 32-bit code
section .boot.text
bits 32
global _start
_start:
	cli
	mov esp, boot_stack_top - KERNEL_VMA
	mov edi, eax                    ; kmain's first argument: the magic
	mov esi, ebx                    ; second: multiboot2 information (physical)

	cmp eax, MB2_BOOT_MAGIC
	jne no_multiboot

	mov eax, 0x80000000             ; highest extended CPUID leaf
	cpuid
	cmp eax, 0x80000001
	jb no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29               ; LM: 64-bit long mode
	jz no_long_mode
	test edx, 1 << 20               ; NX: no-execute pages
	jz no_long_mode

	call build_boot_page_tables

	mov eax, boot_pml4 - KERNEL_VMA
	mov cr3, eax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov ecx, EFER_MSR
	rdmsr
	or eax, EFER_LME | EFER_NXE
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP         ; paging on: we are now in long mode
	mov cr0, eax                    ; (compatibility submode until the jump)

	lgdt [boot_gdt_pointer]
	jmp 0x08:long_mode_start

; Fill the temporary page tables (they live in .bss, zeroed by GRUB).
build_boot_page_tables:
	xor ecx, ecx
.next_2mb:                              ; boot_pd[i] = i * 2 MiB, huge page
	mov eax, ecx
	shl eax, 21
	or eax, PTE_PRESENT_RW | PTE_HUGE
	mov [boot_pd - KERNEL_VMA + ecx * 8], eax
	inc ecx
	cmp ecx, 4 * 512
	jne .next_2mb

	xor ecx, ecx
.next_gb:                               ; boot_pdpt_low[i] = i-th GiB
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd - KERNEL_VMA + PTE_PRESENT_RW
	mov [boot_pdpt_low - KERNEL_VMA + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jne .next_gb

	; 0xffffffff80000000 is PML4 slot 511, PDPT slots 510 and 511.
	mov eax, boot_pd - KERNEL_VMA + PTE_PRESENT_RW
	mov [boot_pdpt_high - KERNEL_VMA + 510 * 8], eax
	add eax, 4096
	mov [boot_pdpt_high - KERNEL_VMA + 511 * 8], eax

	mov eax, boot_pdpt_low - KERNEL_VMA + PTE_PRESENT_RW
	mov [boot_pml4 - KERNEL_VMA], eax
	mov eax, boot_pdpt_high - KERNEL_VMA + PTE_PRESENT_RW
	mov [boot_pml4 - KERNEL_VMA + 511 * 8], eax
	ret

no_multiboot:
	mov esi, msg_no_multiboot
	jmp boot_fail
no_long_mode:
	mov esi, msg_no_long_mode
	; fall through

; Print the message at ESI on the serial port and the VGA screen, then halt.
boot_fail:
	mov edi, 0xb8000
.next_char:
	lodsb
	test al, al
	jz .halt
	mov ah, 0x4f                    ; white on red
	mov [edi], ax
	add edi, 2
	mov bl, al
	mov dx, COM1 + 5                ; line status: wait for an empty transmitter
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov al, bl
	mov dx, COM1
	out dx, al
	jmp .next_char
.halt:
	cli
	hlt
	jmp .halt

; --------------------------------------------------------------- 64-bit code
bits 64
long_mode_start:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_start
	jmp rax

section .boot.rodata
msg_no_multiboot:
	db "Antidote: not started by a multiboot2 boot loader; halting.", 13, 10, 0
msg_no_long_mode:
	db "Antidote: this CPU cannot run 64-bit code with NX pages; halting.", 13, 10, 0

align 8
boot_gdt:
	dq 0                            ; null descriptor
	dq 0x00af9a000000ffff           ; 0x08: 64-bit kernel code
	dq 0x00cf92000000ffff           ; 0x10: kernel data
boot_gdt_end:
boot_gdt_pointer:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

; ------------------------------------------------------ higher half from here
section .text
global higher_half_start:function (higher_half_end - higher_half_start)
higher_half_start:
	mov rsp, boot_stack_top
	xor ebp, ebp                    ; end of the frame-pointer chain
	mov edi, edi                    ; the upper halves are undefined after
	mov esi, esi                    ; the mode switch: zero-extend
	call kmain
.hang:
	cli
	hlt
	jmp .hang
higher_half_end:

section .bss
align 4096
global boot_pml4
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
global boot_stack_top
boot_stack:     resb 16384
boot_stack_top:
