; Copying between kernel and user memory. A user pointer may be bad, so the
; copy may fault; the page-fault handler then finds the faulting
; instruction in the exception table (__ex_table) and resumes at its fixup,
; which makes the function return the number of bytes NOT copied.
;
; size_t copy_user_bytes(void *dst, const void *src, size_t n)
;
; Eight bytes at a time (rep movsq), then the last n % 8 one by one. If
; the word copy faults, the word it stopped at may straddle the bad page:
; the rest is copied again byte by byte, which faults at the exact first
; bad byte. So the count returned is exact, as with a plain byte copy.

bits 64
section .text
global copy_user_bytes
copy_user_bytes:
	mov rcx, rdx
	shr rcx, 3                      ; words
	and edx, 7                      ; bytes after them
.words:
	rep movsq                       ; may fault on a user address
	mov rcx, rdx
.bytes:
	rep movsb                       ; may fault on a user address
	xor eax, eax
	ret
.words_fixup:
	lea rcx, [rdx + rcx * 8]        ; what is left, in bytes
	jmp .bytes
.bytes_fixup:
	mov rax, rcx                    ; what rep movsb had left to do
	ret

section __ex_table
	dq copy_user_bytes.words, copy_user_bytes.words_fixup
	dq copy_user_bytes.bytes, copy_user_bytes.bytes_fixup
