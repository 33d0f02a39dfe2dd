; Copying between kernel and user memory. A user pointer may be bad, so the
; copy may fault; the page-fault handler then finds the faulting
; instruction in the exception table (__ex_table) and resumes at its fixup,
; which makes the function return the number of bytes NOT copied.
;
; size_t copy_user_bytes(void *dst, const void *src, size_t n)

bits 64
section .text
global copy_user_bytes
copy_user_bytes:
	mov rcx, rdx
.copy:
	rep movsb                       ; may fault on a user address
	xor eax, eax
	ret
.fixup:
	mov rax, rcx                    ; what rep movsb had left to do
	ret

section __ex_table
	dq copy_user_bytes.copy, copy_user_bytes.fixup
