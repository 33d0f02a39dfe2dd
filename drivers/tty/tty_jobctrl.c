/*
 * Job control on the terminal (Linux's tty_jobctrl.c): the session it
 * belongs to, its foreground process group, and what happens to the
 * others. A process of that session outside the foreground group that
 * reads is stopped by SIGTTIN; that writes with TOSTOP set, or changes
 * the terminal (tcsetattr, tcsetpgrp, tcflush...), by SIGTTOU. If it
 * ignores or blocks the signal, a read fails with EIO and the rest go
 * ahead; if its group is orphaned (nobody left to continue it), EIO.
 *
 * The kernel console is this terminal's session leader, like a login
 * shell: its thread leads the session, and its own group is the
 * foreground while it has the line. Programs it runs are in that session,
 * each job a group of its own.
 */
#include "drivers/tty/tty.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/serial.h"
#include "kernel/uaccess.h"

#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429

static bool is_ignored(int sig)
{
	return (current->blocked & sigmask(sig)) ||
	       current->sighand->action[sig].handler == SIG_IGN;
}

int tty_check_change(struct tty_struct *tty, int sig)
{
	struct sig_pending_info info = { .code = SI_KERNEL };
	int pgrp = task_pgrp_nr(current);

	if (current->signal->tty != tty || !tty->pgrp || tty->pgrp == pgrp)
		return 0;
	if (is_ignored(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (is_orphaned_pgrp(pgrp))
		return -EIO;
	kill_pgrp(pgrp, sig, &info);
	return -ERESTARTSYS;
}

void tty_signal_pgrp(struct tty_struct *tty, int sig)
{
	struct sig_pending_info info = { .code = SI_KERNEL };

	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig, &info);
}

void tty_console_init(struct tty_struct *tty)
{
	pgrp_new_session(current);
	current->signal->tty = tty;
	tty->session = tty->pgrp = current->tgid;
}

static bool is_ctty(const struct tty_struct *tty)
{
	return current->signal->tty == tty;
}

/* tcsetpgrp: a group of the terminal's session becomes the foreground. */
static long tiocspgrp(struct tty_struct *tty, unsigned long arg)
{
	int pgrp;

	int err = tty_check_change(tty, SIGTTOU);
	if (err)
		return err;
	if (!is_ctty(tty) || tty->session != task_session_nr(current))
		return -ENOTTY;
	if (copy_from_user(&pgrp, arg, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	struct proc *member = pid_task(pgrp, PIDTYPE_PGID);
	if (!member)
		return -ESRCH;
	if (task_session_nr(member) != tty->session)
		return -EPERM;
	tty->pgrp = pgrp;
	serial_rx_deliver(); /* if the console had the line, it is the job's now */
	return 0;
}

/*
 * A session leader without a terminal takes this one - if no session
 * has it. The console's session always has it: Linux lets root steal a
 * terminal (arg 1), but taking the console's would leave it deaf.
 */
static long tiocsctty(struct tty_struct *tty)
{
	struct signal_struct *sig = current->signal;

	if (sig->leader && task_session_nr(current) == tty->session)
		return 0;
	if (!sig->leader || sig->tty || tty->session)
		return -EPERM;
	sig->tty = tty;
	tty->session = task_session_nr(current);
	tty->pgrp = task_pgrp_nr(current);
	return 0;
}

long tty_jobctrl_ioctl(struct tty_struct *tty, struct file *f, unsigned int cmd,
		       unsigned long arg)
{
	(void)f;
	switch (cmd) {
	case TIOCGPGRP:
		return is_ctty(tty) ? tty_put_int(arg, tty->pgrp) : -ENOTTY;
	case TIOCSPGRP:
		return tiocspgrp(tty, arg);
	case TIOCGSID:
		return is_ctty(tty) && tty->session ? tty_put_int(arg, tty->session) : -ENOTTY;
	case TIOCSCTTY:
		return tiocsctty(tty);
	case TIOCNOTTY:
		/* A session leader would hang its session up; the only one
		 * this terminal has is the console. */
		if (!is_ctty(tty))
			return -ENOTTY;
		current->signal->tty = NULL;
		return 0;
	}
	return -ENOIOCTLCMD;
}
