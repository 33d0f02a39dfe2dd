/*
 * The console seen from user space: file descriptors 0, 1 and 2 all name
 * the serial console (there are no files yet). Output goes straight to the
 * serial port; ioctl answers the two questions a C library asks of a
 * terminal: are you one, and how big are you.
 */
#include "kernel/errno.h"
#include "kernel/serial.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define CHUNK 256

static bool is_console(uint64_t fd)
{
	return fd <= 2;
}

/* Write count bytes from user memory: how many were written, or -EFAULT
 * if not even the first byte could be read. */
static long console_write(uint64_t buf, uint64_t count)
{
	char chunk[CHUNK];
	uint64_t done = 0;

	while (done < count) {
		size_t n = MIN(count - done, (uint64_t)CHUNK);
		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		serial_write(chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t count)
{
	if (!is_console(fd))
		return -EBADF;
	return console_write(buf, count);
}

struct iovec {
	uint64_t iov_base, iov_len;
};

long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt)
{
	struct iovec v;
	long total = 0;

	if (!is_console(fd))
		return -EBADF;
	if (iovcnt > 1024)
		return -EINVAL;
	for (uint64_t i = 0; i < iovcnt; i++) {
		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return total ? total : -EFAULT;
		long n = console_write(v.iov_base, v.iov_len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
	static const uint16_t winsize[4] = { 24, 80, 0, 0 }; /* rows, columns */
	uint8_t termios[60] = { 0 };

	if (!is_console(fd))
		return -EBADF;
	if (cmd == TIOCGWINSZ)
		return copy_to_user(arg, winsize, sizeof(winsize));
	if (cmd == TCGETS)
		return copy_to_user(arg, termios, sizeof(termios));
	return -ENOTTY;
}
