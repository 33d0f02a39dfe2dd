/*
 * Signal frames, the x86-64 part of signal delivery (Linux:
 * arch/x86/kernel/signal.c).
 *
 * kernel/signal.c decides which pending signal is delivered
 * (get_signal). Here do_signal() builds its frame on the user stack -
 * the interrupted registers (ucontext), the siginfo, the FPU state - and
 * sends the process into its handler. The handler returns into the
 * restorer the C library registered (SA_RESTORER), which calls
 * rt_sigreturn: the kernel reads the frame back and the process goes on
 * where it was interrupted, or wherever the handler changed it to.
 */
#include "kernel/signal.h"
#include "kernel/errno.h"
#include "kernel/fpu.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define RED_ZONE 128
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
/* The flags a signal handler may change on return (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS 0x50dd5UL /* AC OF DF TF SF ZF AF PF CF RF */
#define MXCSR_USER_BITS 0xffbfU
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_DF (1UL << 10)

/* Linux's struct sigcontext (x86-64), ucontext and rt_sigframe. */
struct sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the saved FPU state */
	uint64_t reserved1[8];
};

struct stack_t {
	uint64_t ss_sp;
	int ss_flags;
	uint64_t ss_size;
};

struct ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct stack_t uc_stack;
	struct sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode; /* the handler returns here: the restorer */
	struct ucontext uc;
	struct siginfo info;
};

/*
 * The signal frame for sig could not be set up (Linux: force_sigsegv).
 * If sig was SIGSEGV itself, its handler cannot be reached: SIGSEGV's
 * default action (death) happens. Any other signal's failure becomes a
 * SIGSEGV the process may still catch.
 */
void force_sigsegv(int sig)
{
	if (sig == SIGSEGV)
		current->sighand->action[SIGSEGV].handler = SIG_DFL;
	force_sig_fault(SIGSEGV, SI_KERNEL, 0, 0);
}

static bool on_altstack(const struct proc *p, uint64_t sp)
{
	return p->sas_ss_size && sp > p->sas_ss_sp && sp <= p->sas_ss_sp + p->sas_ss_size;
}

static void save_sigcontext(struct sigcontext *sc, const struct trapframe *tf, uint64_t fpstate)
{
	*sc = (struct sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags, .cs = (uint16_t)tf->cs,
		.ss = (uint16_t)tf->ss, .err = tf->error, .trapno = tf->trapno,
		.oldmask = current->blocked, .cr2 = read_cr2(), .fpstate = fpstate,
	};
}

#define NR_RESTART_SYSCALL 219

/*
 * A system call whose sleep a signal interrupted returned -ERESTART*.
 * With a handler about to run (ka), it fails with EINTR - except that
 * -ERESTARTSYS runs again if the handler has SA_RESTART. With none (the
 * signal was ignored, or stopped the process until SIGCONT) every kind
 * runs again: back up over the 2-byte `syscall` instruction and put its
 * number back in rax - or restart_syscall's, which goes on with what the
 * call saved (-ERESTART_RESTARTBLOCK).
 */
static void handle_restart(struct trapframe *tf, const struct k_sigaction *ka)
{
	int64_t err = (int64_t)tf->rax;

	if (tf->trapno != T_SYSCALL ||
	    (err != -ERESTARTSYS && err != -ERESTARTNOHAND && err != -ERESTART_RESTARTBLOCK))
		return;
	if (ka && (err != -ERESTARTSYS || !(ka->flags & SA_RESTART))) {
		tf->rax = (uint64_t)-EINTR;
		return;
	}
	tf->rax = err == -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : current->syscall_nr;
	tf->rip -= 2;
}

static long do_no_restart_syscall(struct restart_block *rb)
{
	(void)rb;
	return -EINTR;
}

long sys_restart_syscall(void)
{
	struct restart_block *rb = &current->restart_block;
	long (*fn)(struct restart_block *) = rb->fn ? rb->fn : do_no_restart_syscall;

	rb->fn = do_no_restart_syscall; /* once */
	return fn(rb);
}

/*
 * Where the frame goes (Linux: get_sigframe): below the interrupted stack
 * pointer, or at the top of the alternate stack for a SA_ONSTACK handler
 * that is not on it yet. A frame that would not fit on the alternate
 * stack - a handler that keeps faulting with SA_NODEFER pushes one frame
 * after another - is refused: the process dies of SIGSEGV instead of
 * overwriting whatever lies below the stack, or looping forever.
 * Returns the frame's address and the FPU state's in *fpstate, or 0.
 */
static uint64_t get_sigframe(const struct k_sigaction *ka, uint64_t sp, uint64_t *fpstate)
{
	struct proc *t = current;
	bool nested_altstack = on_altstack(t, sp), entering_altstack = false;

	if ((ka->flags & SA_ONSTACK) && t->sas_ss_size && !nested_altstack) {
		sp = t->sas_ss_sp + t->sas_ss_size;
		entering_altstack = true;
	}
	sp = ((sp - RED_ZONE - sizeof(struct fpu_state)) & ~63UL);
	*fpstate = sp;
	sp = ((sp - sizeof(struct rt_sigframe)) & ~15UL) - 8; /* as if just called */
	if ((nested_altstack || entering_altstack) && !on_altstack(t, sp)) {
		pr_info("%s[%d] overflowed sigaltstack\n", current->comm, current->pid);
		return 0;
	}
	return sp;
}

static int setup_rt_frame(int sig, const struct k_sigaction *ka,
			  const struct sig_pending_info *pi, struct trapframe *tf)
{
	struct proc *t = current;
	struct fpu_state fpu;
	struct rt_sigframe frame;
	uint64_t fpstate, sp;

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT; /* x86-64 has no default way back */
	if (!rseq_signal_deliver(tf))
		return -EFAULT; /* its rseq area is bad (Linux sets the frame up anyway) */
	sp = get_sigframe(ka, tf->rsp, &fpstate);
	if (!sp)
		return -EFAULT;
	fpu_save(&fpu); /* the process's live registers: the kernel never uses them */

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack = (struct stack_t){ t->sas_ss_sp,
					      on_altstack(t, tf->rsp) ? SS_ONSTACK :
					      t->sas_ss_size ? 0 : SS_DISABLE,
					      t->sas_ss_size };
	save_sigcontext(&frame.uc.uc_mcontext, tf, fpstate);
	frame.uc.uc_sigmask = t->restore_sigmask ? t->saved_sigmask : t->blocked;
	t->restore_sigmask = false; /* rt_sigreturn puts it back */
	build_siginfo(&frame.info, sig, pi);
	if (copy_to_user(fpstate, &fpu, sizeof(fpu)) || copy_to_user(sp, &frame, sizeof(frame)))
		return -EFAULT;

	tf->rdi = (uint64_t)sig;
	tf->rsi = sp + offsetof(struct rt_sigframe, info);
	tf->rdx = sp + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rip = ka->handler;
	tf->rsp = sp;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_DF); /* handlers start clean */
	return 0;
}

/*
 * On every return to user mode with a signal pending: run the handler of
 * the first one that has one (get_signal does the defaults), on a frame
 * built on the user stack; and restart or fail the interrupted system
 * call as the handler's SA_RESTART says.
 */
void do_signal(struct trapframe *tf)
{
	struct sig_pending_info info;
	int sig;

	while ((sig = get_signal(&info))) {
		struct k_sigaction *ka = &current->sighand->action[sig];

		handle_restart(tf, ka);
		if (setup_rt_frame(sig, ka, &info, tf)) {
			force_sigsegv(sig); /* taken on the next turn */
			continue;
		}
		signal_setup_done(sig);
		return;
	}
	handle_restart(tf, NULL);
	restore_saved_sigmask();
}

long sys_rt_sigreturn(void)
{
	struct trapframe *tf = current->tf;
	struct ucontext uc;
	struct fpu_state fpu;
	uint64_t frame = tf->rsp - 8; /* the handler's ret popped pretcode */

	if (copy_from_user(&uc, frame + offsetof(struct rt_sigframe, uc), sizeof(uc)))
		goto bad;
	const struct sigcontext *sc = &uc.uc_mcontext;
	if (sc->fpstate) {
		if (copy_from_user(&fpu, sc->fpstate, sizeof(fpu)))
			goto bad;
		*(uint32_t *)&fpu.fxsave[24] &= MXCSR_USER_BITS; /* else fxrstor faults */
		fpu_restore(&fpu);
	}
	tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
	tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14, tf->r15 = sc->r15;
	tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rbx = sc->rbx;
	tf->rdx = sc->rdx, tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	tf->cs = USER_CS; /* whatever the frame says: user mode only */
	tf->ss = USER_DS;
	current->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY_MASK;
	return (long)tf->rax;
bad:
	force_sig_fault(SIGSEGV, SI_KERNEL, 0, 0);
	return 0;
}

long sys_sigaltstack(uint64_t ss, uint64_t oss)
{
	struct proc *t = current;
	struct stack_t old = { t->sas_ss_sp,
			       on_altstack(t, current->tf->rsp) ? SS_ONSTACK :
			       t->sas_ss_size ? 0 : SS_DISABLE, t->sas_ss_size };
	struct stack_t new;

	if (ss) {
		if (copy_from_user(&new, ss, sizeof(new)))
			return -EFAULT;
		if (on_altstack(t, current->tf->rsp))
			return -EPERM;
		if (new.ss_flags & ~SS_DISABLE)
			return -EINVAL;
		if (new.ss_flags & SS_DISABLE) {
			t->sas_ss_sp = t->sas_ss_size = 0;
		} else {
			if (new.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->sas_ss_sp = new.ss_sp;
			t->sas_ss_size = new.ss_size;
		}
	}
	if (oss && copy_to_user(oss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
