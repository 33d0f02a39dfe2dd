/*
 * The terminal: Linux's tty layer, for the one serial line (ttyS0).
 *
 *   UART (kernel/serial.c) --receive--> n_tty (line discipline) --read--> programs
 *   programs --write--> n_tty (output processing) --> UART
 *
 * tty_io.c is the file (open, read, write, poll, the device nodes),
 * n_tty.c the line discipline (canonical editing, echo, raw mode,
 * VMIN/VTIME, the signal characters), tty_ioctl.c the termios and window
 * ioctls, tty_jobctrl.c the controlling terminal, foreground process
 * group and SIGTTIN/SIGTTOU.
 *
 * The line is shared with the kernel console (kernel/console.c): while no
 * program owns the terminal, and for one command after the escape key
 * (Ctrl-]), what is typed goes to the console's line editor instead.
 */
#ifndef DRIVERS_TTY_TTY_H
#define DRIVERS_TTY_TTY_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

/* c_cc indices (Linux's asm-generic/termbits.h). */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16
#define NCCS 19

/* c_iflag */
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
#define IXANY 0004000
/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004
#define OCRNL 0000010
/* c_cflag */
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
#define CLOCAL 0004000
#define B115200 0010002
/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* The escape key: the next line typed goes to the kernel console. */
#define TTY_ESCAPE_CHAR 0x1d /* Ctrl-] (telnet's) */

/* Linux's struct termios, as TCGETS and TCSETS pass it (36 bytes). */
struct termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

struct winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define N_TTY_BUF_SIZE 4096 /* a power of two */

/* The line discipline's input (Linux's struct n_tty_data): a ring of what
 * was typed. Counters are free running; tail <= canon_head <= head.
 * Changed by the receive interrupt and by readers with interrupts off. */
struct n_tty_data {
	unsigned char read_buf[N_TTY_BUF_SIZE];
	uint64_t eol_flags[N_TTY_BUF_SIZE / 64]; /* bit per slot: it ends a line */
	unsigned int head;       /* characters received */
	unsigned int canon_head; /* canonical mode: end of the last complete line */
	unsigned int tail;       /* characters read */
	bool lnext;              /* the last character was VLNEXT: take the next literally */
	unsigned int column;     /* the cursor's column, from what was written */
	unsigned int canon_column; /* ...when the line being edited began (erasing tabs) */
};

struct tty_struct {
	struct termios termios;         /* TCSETS*; read by n_tty */
	struct winsize winsize;         /* TIOCSWINSZ */
	/* Job control (tty_jobctrl.c), changed with interrupts off: the
	 * receive interrupt signals the foreground group. */
	int session;                    /* the session it controls, 0: none */
	int pgrp;                       /* its foreground process group, 0: none (the console) */
	bool flow_stopped;              /* output stopped: Ctrl-S, TCOOFF */
	bool console_has_line;          /* input goes to the kernel console now */
	struct n_tty_data ldata;
	struct wait_queue_head read_wait;  /* readers and pollers: input came */
	struct wait_queue_head write_wait; /* writers: output was restarted */
};

/* The serial line's terminal. */
extern struct tty_struct ttyS0;
/* Its device number as /proc/PID/stat's tty_nr gives it (4:64: 1088). */
unsigned int tty_devnum(const struct tty_struct *tty);

/* kernel/serial.c's receive interrupt hands each character here; false:
 * the console has the line, keep it for the console. */
bool tty_receive_char(struct tty_struct *tty, char c);

/* n_tty.c */
void n_tty_receive_char(struct tty_struct *tty, unsigned char c);
struct file;
struct iov_iter;
long n_tty_read(struct tty_struct *tty, struct file *f, struct iov_iter *to);
long n_tty_write(struct tty_struct *tty, struct file *f, struct iov_iter *from);
/* Characters a read could take now (FIONREAD). */
unsigned int n_tty_chars_in_buffer(const struct tty_struct *tty);
bool n_tty_readable(const struct tty_struct *tty);
void n_tty_flush_input(struct tty_struct *tty);
/* termios changed (ICANON on or off): what was typed is re-sorted. */
void n_tty_set_termios(struct tty_struct *tty, const struct termios *old);

/* tty_ioctl.c: the ioctls of a terminal; -ENOIOCTLCMD if none. */
long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg);
/* An int answer to the user's arg: 0 or -EFAULT. */
long tty_put_int(unsigned long arg, int v);

/* tty_jobctrl.c */
struct proc;
/* May current read (SIGTTIN) or change (SIGTTOU) the terminal: 0, or
 * -EIO / -ERESTARTSYS after signalling its group (Linux's
 * __tty_check_change). */
int tty_check_change(struct tty_struct *tty, int sig);
/* Signal tty's foreground process group (from the receive interrupt). */
void tty_signal_pgrp(struct tty_struct *tty, int sig);
long tty_jobctrl_ioctl(struct tty_struct *tty, struct file *f, unsigned int cmd,
		       unsigned long arg);
/* The console makes p's process group the foreground (run, fg, sh), and
 * takes the line back when that job ends or stops (the console's own
 * termios come back too, as a shell's do). */
void tty_give_to(struct tty_struct *tty, struct proc *p);
void tty_console_take_line(struct tty_struct *tty);
/* The console thread leads the session the terminal belongs to, as a
 * login shell does; its own group is the foreground while it has the line. */
void tty_console_init(struct tty_struct *tty);
/* The escape command is done: input goes back to the foreground job. */
void tty_console_return_line(struct tty_struct *tty);
/* A job (not the console) is the terminal's foreground: whose pid. */
bool tty_job_in_foreground(const struct tty_struct *tty);

/* The escape key was typed: the console runs one command. */
void console_escape(void);

#endif
