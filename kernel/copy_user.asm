; The kernel's two copy routines that may trap on purpose. Each faulting
; instruction is in the exception table (__ex_table: kernel/extable.c);
; the trap handler resumes at its fixup, which makes the routine return
; the number of bytes NOT copied.
;
; size_t copy_user_bytes(void *dst, const void *src, size_t n)
;     copy_from_user and copy_to_user (kernel/uaccess.c): a bad user
;     pointer is a page fault, and the copy fails, exactly.
; size_t copy_mc_bytes(void *dst, const void *src, size_t n)
;     copy_mc_to_kernel and copy_mc_to_user (kernel/copy_mc.c): the source
;     may be corrupt memory, and a machine check while reading it is
;     survivable (EX_TYPE_DEFAULT_MCE_SAFE): the copy stops there.
;
; Both copy eight bytes at a time (rep movsq), then the last n % 8 one by
; one. If the word copy takes a page fault, the word it stopped at may
; straddle the bad page: the rest is copied again byte by byte, which
; faults at the exact first bad byte, so the count returned is exact, as
; with a plain byte copy. After a machine check it stops at once: going
; on would only read the corrupt data again (the fixup finds the trap
; number in rax; Linux's copy_user_handle_tail does the same).
;
; The two routines are one body, made twice: only the exception-table
; type of their instructions differs (EX_TYPE_COPY = 2,
; EX_TYPE_DEFAULT_MCE_SAFE = 3 in kernel/extable.h).

bits 64

T_MACHINE_CHECK equ 18

%macro COPY_ROUTINE 2 ; name, exception-table type
section .text
global %1
%1:
	mov rcx, rdx
	shr rcx, 3                      ; words
	and edx, 7                      ; bytes after them
.words:
	rep movsq                       ; may trap
	mov rcx, rdx
.bytes:
	rep movsb                       ; may trap
	xor eax, eax
	ret
.words_fixup:
	lea rcx, [rdx + rcx * 8]        ; what is left, in bytes
	cmp eax, T_MACHINE_CHECK
	jne .bytes
	mov rax, rcx
	ret
.bytes_fixup:
	mov rax, rcx                    ; what rep movsb had left to do
	ret

section __ex_table
	dq %1.words, %1.words_fixup, %2
	dq %1.bytes, %1.bytes_fixup, %2
%endmacro

EX_TYPE_COPY equ 2
EX_TYPE_DEFAULT_MCE_SAFE equ 3

COPY_ROUTINE copy_user_bytes, EX_TYPE_COPY
COPY_ROUTINE copy_mc_bytes, EX_TYPE_DEFAULT_MCE_SAFE
