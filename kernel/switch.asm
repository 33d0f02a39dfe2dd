; swtch(struct context **old, struct context *new): save the callee-saved
; registers on the current kernel stack, store that stack pointer in *old,
; load new as the stack pointer and pop its registers. The `ret` then
; continues wherever `new` last called swtch - or, for a new process, at
; the address its creator put there.

bits 64
section .text
global swtch
swtch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
