/*
 * A terminal's ioctls (Linux's tty_ioctl.c and the n_tty ones), with
 * Linux's numbers: termios (TCGETS, TCSETS, TCSETSW, TCSETSF), the window
 * size (TIOCGWINSZ, TIOCSWINSZ: SIGWINCH to the foreground group when it
 * changes), input waiting (FIONREAD), flushing (TCFLSH), flow control
 * (TCXONC) and a break (TCSBRK). Changing the terminal from a background
 * process stops it with SIGTTOU first (tty_check_change). The job-control
 * requests are in tty_jobctrl.c.
 */
#include "drivers/tty/tty.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/serial.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCINQ 0x541b /* FIONREAD */

#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2

long tty_put_int(unsigned long arg, int v)
{
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* TCSETSW and TCSETSF first let queued output go out; TCSETSF then
 * drops what was typed and not read. */
static long set_termios(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	struct termios new, old = tty->termios;

	int err = tty_check_change(tty, SIGTTOU);
	if (err)
		return err;
	if (copy_from_user(&new, arg, sizeof(new)))
		return -EFAULT;
	if (cmd != TCSETS)
		serial_flush();
	if (cmd == TCSETSF)
		n_tty_flush_input(tty);
	tty->termios = new;
	n_tty_set_termios(tty, &old);
	return 0;
}

static long set_winsize(struct tty_struct *tty, unsigned long arg)
{
	struct winsize ws;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	if (memcmp(&ws, &tty->winsize, sizeof(ws)) == 0)
		return 0;
	tty->winsize = ws;
	tty_signal_pgrp(tty, SIGWINCH);
	return 0;
}

static long flush(struct tty_struct *tty, unsigned long arg)
{
	int err = tty_check_change(tty, SIGTTOU);

	if (err)
		return err;
	if (arg > TCIOFLUSH)
		return -EINVAL;
	/* Output already handed to the UART's ring goes out anyway. */
	if (arg == TCIFLUSH || arg == TCIOFLUSH)
		n_tty_flush_input(tty);
	return 0;
}

static long flow(struct tty_struct *tty, unsigned long arg)
{
	int err = tty_check_change(tty, SIGTTOU);

	if (err)
		return err;
	switch (arg) {
	case TCOOFF:
		tty->flow_stopped = true;
		return 0;
	case TCOON:
		tty->flow_stopped = false;
		wake_up(&tty->write_wait);
		return 0;
	case TCIOFF:
	case TCION: /* ask the other end to stop or start sending */
		serial_write_raw((const char *)&tty->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART], 1);
		return 0;
	}
	return -EINVAL;
}

long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty_struct *tty = f->private_data;

	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &tty->termios, sizeof(tty->termios)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(tty, cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user(arg, &tty->winsize, sizeof(tty->winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return set_winsize(tty, arg);
	case TIOCINQ:
		return tty_put_int(arg, (int)n_tty_chars_in_buffer(tty));
	case TIOCOUTQ:
		return tty_put_int(arg, 0); /* the UART's ring is not the terminal's */
	case TCFLSH:
		return flush(tty, arg);
	case TCXONC:
		return flow(tty, arg);
	case TCSBRK: { /* tcdrain, and tcsendbreak (which sends nothing here) */
		int err = tty_check_change(tty, SIGTTOU);
		if (!err)
			serial_flush();
		return err;
	}
	}
	return tty_jobctrl_ioctl(tty, f, cmd, arg);
}
