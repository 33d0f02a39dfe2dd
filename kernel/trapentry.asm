; Entry points for all 256 vectors (32 exceptions, 16 PIC interrupts, the
; local APIC's at 0xec and 0xff, the rest unused).
; Each stub makes the stack look the same - an error code (the CPU pushes one
; only for some exceptions; we push 0 for the rest) and the vector number -
; then saves every register and calls trap(struct trapframe *) in C.

bits 64
default rel
extern trap
extern syscall_kernel_rsp
USER_CS equ 0x23
USER_DS equ 0x1b
T_SYSCALL equ 256                       ; not a vector: marks a system call frame

%macro VECTOR_NOERR 1
vector%1:
	push 0
	push %1
	jmp trap_common
%endmacro

%macro VECTOR_ERR 1
vector%1:
	push %1
	jmp trap_common
%endmacro

section .text
trap_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp                    ; struct trapframe *
	call trap
global trapret
trapret:                                ; a new process starts here too
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	cmp qword [rsp], T_SYSCALL      ; back from a system call?
	je .sysret
.iret:
	add rsp, 16                     ; vector number and error code
	iretq
; sysret is faster than iretq, but trusts RCX and R11 to hold the user's
; RIP and RFLAGS, and faults *in the kernel* on a non-canonical RIP - so
; use it only when the frame says exactly that (after execve or
; sigreturn it may not).
.sysret:
	cmp rcx, [rsp + 16]             ; RCX == RIP
	jne .iret
	cmp r11, [rsp + 32]             ; R11 == RFLAGS
	jne .iret
	test byte [rsp + 16 + 5], 0x80  ; RIP bit 47 ...
	jnz .iret
	cmp word [rsp + 16 + 6], 0      ; ... and bits 48-63 clear: canonical user
	jne .iret
	mov rsp, [rsp + 40]             ; the user's stack
	o64 sysret

; The `syscall` instruction lands here with interrupts off (FMASK), the
; user's RIP in RCX, its RFLAGS in R11 and its stack still in RSP. Build
; the same trapframe an interrupt from user mode would have on the
; process's kernel stack, so one return path (trapret, iretq) serves both.
global syscall_entry
syscall_entry:
	mov [syscall_user_rsp], rsp
	mov rsp, [syscall_kernel_rsp]
	push USER_DS                    ; ss
	push qword [syscall_user_rsp]   ; rsp
	push r11                        ; rflags
	push USER_CS                    ; cs
	push rcx                        ; rip
	push 0                          ; error code
	push T_SYSCALL                  ; trapno
	jmp trap_common                 ; trap() sends it to do_syscall

; The machine check arrives on its own stack (IST), whatever was running.
; If that was user code, the work that follows - memory_failure(), a
; signal, perhaps the process's exit - belongs to the process and may
; sleep: move the frame to the process's kernel stack (free: the process
; was in user mode) and carry on there, as Linux does. Only rsp changes
; before the copy; the frame's words are read from the top of the IST
; stack, where the CPU always puts them.
vector18:
	push 0
	push 18
	test byte [rsp + 24], 3         ; CS of the interrupted code: user?
	jz trap_common                  ; no: stay on the machine-check stack
	mov rsp, [syscall_kernel_rsp]
	push qword [machine_check_stack_top - 8]     ; ss
	push qword [machine_check_stack_top - 16]    ; rsp
	push qword [machine_check_stack_top - 24]    ; rflags
	push qword [machine_check_stack_top - 32]    ; cs
	push qword [machine_check_stack_top - 40]    ; rip
	push 0
	push 18
	jmp trap_common

; Vectors that come with a CPU-pushed error code: 8, 10-14, 17, 21.
VECTOR_NOERR 0
VECTOR_NOERR 1
VECTOR_NOERR 2
VECTOR_NOERR 3
VECTOR_NOERR 4
VECTOR_NOERR 5
VECTOR_NOERR 6
VECTOR_NOERR 7
VECTOR_ERR   8
VECTOR_NOERR 9
VECTOR_ERR   10
VECTOR_ERR   11
VECTOR_ERR   12
VECTOR_ERR   13
VECTOR_ERR   14
VECTOR_NOERR 15
VECTOR_NOERR 16
VECTOR_ERR   17
VECTOR_NOERR 19
VECTOR_NOERR 20
VECTOR_ERR   21
%assign i 22
%rep 256 - 22
VECTOR_NOERR i
%assign i i + 1
%endrep

section .bss
syscall_user_rsp: resq 1                ; one CPU: a plain scratch word
alignb 16
machine_check_stack: resb 8192          ; IST stack for #MC (kernel/gdt.c)
global machine_check_stack_top
machine_check_stack_top:

section .rodata
global trap_vectors
trap_vectors:
%assign i 0
%rep 256
	dq vector %+ i
%assign i i + 1
%endrep
