/*
 * File locks as Linux 6.1 keeps them (fs/locks.c): POSIX record locks
 * between a parent and its children (conflicts, F_GETLK's report,
 * ranges that split and merge, release at the close of any descriptor
 * and at exit, F_SETLKW's sleep, EINTR, EDEADLK), OFD locks between
 * threads, flock(2), and bad arguments. Passes on Linux too.
 * Usage: lockstest DIR (a directory to make the file in). Prints one
 * line per check and "lockstest: N failed".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char path[256];

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK for a write lock on [start, start+len): the lock in the way. */
static struct flock getlk(int fd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	if (fcntl(fd, F_GETLK, &fl))
		fl.l_type = -1;
	return fl;
}

static int is(struct flock fl, short type, off_t start, off_t len, pid_t pid)
{
	return fl.l_type == type && fl.l_whence == SEEK_SET && fl.l_start == start &&
	       fl.l_len == len && fl.l_pid == pid;
}

/* Run fn in a child (with its own checks); true if they all passed. */
static int in_child(void (*fn)(int fd, pid_t parent), int fd)
{
	pid_t parent = getpid(), pid = fork();
	int status;

	if (pid == 0) {
		fn(fd, parent);
		exit(failures);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Wait (up to a minute) until task (a /proc path) sleeps: it is blocked. */
static int wait_sleeping(const char *task)
{
	char file[64], buf[256];

	snprintf(file, sizeof(file), "/proc/%s/stat", task);
	for (int i = 0; i < 6000; i++) {
		FILE *f = fopen(file, "r");
		char *paren = NULL;

		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			buf[n] = 0;
			fclose(f);
			paren = strrchr(buf, ')');
		}
		if (paren && paren[1] == ' ' && paren[2] == 'S')
			return 1;
		usleep(10000);
	}
	return 0;
}

static void wait_pid_sleeping(pid_t pid)
{
	char task[16];

	snprintf(task, sizeof(task), "%d", (int)pid);
	check(wait_sleeping(task), "the waiter sleeps");
}

static int open_file(int flags)
{
	return open(path, flags);
}

/* ---- POSIX locks between processes ---- */

static void child_sees_parent_lock(int fd, pid_t parent)
{
	check_err(lock(fd, F_SETLK, F_WRLCK, 5, 10), EAGAIN, "child: F_SETLK on the parent's range: EAGAIN");
	check_err(lock(fd, F_SETLK, F_RDLCK, 9, 1), EAGAIN, "child: read lock under a write lock: EAGAIN");
	check(is(getlk(fd, F_WRLCK, 5, 10), F_WRLCK, 0, 10, parent),
	      "child: F_GETLK reports the parent's write lock [0,10) with its pid");
	struct flock fl = getlk(fd, F_WRLCK, 10, 5);
	check(fl.l_type == F_UNLCK && fl.l_start == 10 && fl.l_len == 5,
	      "child: F_GETLK past it: F_UNLCK, the rest as given");
	check(lock(fd, F_SETLK, F_WRLCK, 10, 5) == 0, "child: the next bytes are free");
}

static void child_split(int fd, pid_t parent)
{
	check(is(getlk(fd, F_WRLCK, 0, 10), F_WRLCK, 0, 40, parent), "split: [0,40) stays");
	check(getlk(fd, F_WRLCK, 40, 20).l_type == F_UNLCK, "split: [40,60) is free");
	check(is(getlk(fd, F_WRLCK, 90, 0), F_WRLCK, 60, 40, parent), "split: [60,100) stays");
}

static void child_merged(int fd, pid_t parent)
{
	check(is(getlk(fd, F_WRLCK, 50, 1), F_WRLCK, 0, 110, parent),
	      "merge: [0,40) [40,60) [60,100) [100,110) are one lock [0,110)");
}

static void child_converted(int fd, pid_t parent)
{
	check(is(getlk(fd, F_WRLCK, 20, 10), F_RDLCK, 20, 10, parent),
	      "convert: [20,30) is now a read lock");
	check(getlk(fd, F_RDLCK, 20, 10).l_type == F_UNLCK, "convert: another reader fits");
	check(is(getlk(fd, F_RDLCK, 30, 1), F_WRLCK, 30, 80, parent), "convert: [30,110) stays a write lock");
}

static void child_negative(int fd, pid_t parent)
{
	check(is(getlk(fd, F_WRLCK, 0, 0), F_WRLCK, 40, 10, parent),
	      "l_len -10 at 50 locks [40,50)");
}

static void child_whence(int fd, pid_t parent)
{
	check(is(getlk(fd, F_WRLCK, 0, 50), F_WRLCK, 30, 5, parent), "SEEK_CUR at 30 locks [30,35)");
	check(is(getlk(fd, F_WRLCK, 50, 0), F_WRLCK, 90, 0, parent), "SEEK_END -10, l_len 0: [90,EOF)");
}

static void child_free(int fd, pid_t parent)
{
	(void)parent;
	check(getlk(fd, F_WRLCK, 0, 0).l_type == F_UNLCK, "child: no lock left on the file");
}

static void posix_ranges(int fd)
{
	check(lock(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "parent: write lock [0,10)");
	check(getlk(fd, F_WRLCK, 0, 10).l_type == F_UNLCK, "parent: its own lock is no conflict");
	check(in_child(child_sees_parent_lock, fd), "a child meets the parent's lock");
	check(lock(fd, F_SETLK, F_WRLCK, 0, 100) == 0, "write lock [0,100)");
	check(lock(fd, F_SETLK, F_UNLCK, 40, 20) == 0, "unlock the middle [40,60)");
	check(in_child(child_split, fd), "the lock is split in two");
	check(lock(fd, F_SETLK, F_WRLCK, 40, 20) == 0 && lock(fd, F_SETLK, F_WRLCK, 100, 10) == 0,
	      "lock [40,60) and [100,110) again");
	check(in_child(child_merged, fd), "the pieces merge");
	check(lock(fd, F_SETLK, F_RDLCK, 20, 10) == 0, "read lock [20,30) inside the write lock");
	check(in_child(child_converted, fd), "a part converts");
	check(lock(fd, F_SETLK, F_UNLCK, 0, 0) == 0, "unlock all (l_len 0: to EOF)");
	check(in_child(child_free, fd), "all gone");

	check(lock(fd, F_SETLK, F_WRLCK, 50, -10) == 0, "negative length");
	check(in_child(child_negative, fd), "negative length covers the bytes before");
	check_err(lock(fd, F_SETLK, F_WRLCK, 5, -10), EINVAL, "negative length before 0: EINVAL");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);

	struct flock cur = { .l_type = F_WRLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = 5 };
	struct flock end = { .l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = -10, .l_len = 0 };
	lseek(fd, 30, SEEK_SET);
	check(fcntl(fd, F_SETLK, &cur) == 0 && fcntl(fd, F_SETLK, &end) == 0, "SEEK_CUR and SEEK_END locks");
	check(in_child(child_whence, fd), "SEEK_CUR and SEEK_END ranges");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);
}

/* ---- release at close and exit ---- */

static void child_locks_and_exits(int fd, pid_t parent)
{
	(void)parent;
	check(lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "child: locks the whole file, then exits");
}

static void release(int fd)
{
	int other = open_file(O_RDONLY);

	check(lock(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "lock through one descriptor");
	close(other);
	check(in_child(child_free, fd), "closing ANOTHER descriptor of the file drops it (POSIX)");
	check(in_child(child_locks_and_exits, fd), "a child takes a lock");
	check(lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "its exit released it");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);
}

/* ---- F_SETLKW: waking, EINTR, EDEADLK ---- */

static void on_signal(int sig)
{
	(void)sig;
}

static void child_waits(int fd)
{
	check(lock(fd, F_SETLKW, F_WRLCK, 0, 10) == 0, "child: F_SETLKW got the lock once it was free");
}

static void child_interrupted(int fd)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART */

	sigaction(SIGUSR1, &sa, NULL);
	check_err(lock(fd, F_SETLKW, F_WRLCK, 0, 10), EINTR, "child: a signal ends F_SETLKW with EINTR");
	check(getlk(fd, F_WRLCK, 0, 10).l_type == F_WRLCK, "child: the parent still holds it");
}

/* Fork a child that sleeps in fn; once it does, run then (in the parent);
 * true if the child's checks passed. */
static int with_sleeping_child(int fd, void (*fn)(int fd), void (*then)(int fd, pid_t child))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(fd);
		exit(failures);
	}
	wait_pid_sleeping(pid);
	then(fd, pid);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void unlock_it(int fd, pid_t child)
{
	(void)child;
	check(lock(fd, F_SETLK, F_UNLCK, 0, 10) == 0, "parent: unlocks");
}

static void signal_it(int fd, pid_t child)
{
	(void)fd;
	kill(child, SIGUSR1);
}

static void blocking(int fd)
{
	check(lock(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "parent: write lock [0,10)");
	check(with_sleeping_child(fd, child_waits, unlock_it), "the waiting child woke with the lock");
	check(lock(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "parent: write lock [0,10) again");
	check(with_sleeping_child(fd, child_interrupted, signal_it), "F_SETLKW is interruptible");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);
}

static void deadlock(int fd)
{
	int ready[2], status;
	char c;

	check(lock(fd, F_SETLK, F_WRLCK, 0, 1) == 0, "deadlock: parent locks byte 0");
	if (pipe(ready))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		check(lock(fd, F_SETLK, F_WRLCK, 1, 1) == 0, "deadlock: child locks byte 1");
		write(ready[1], "", 1);
		check(lock(fd, F_SETLKW, F_WRLCK, 0, 1) == 0, "deadlock: child waits for byte 0, gets it");
		exit(failures);
	}
	read(ready[0], &c, 1);
	wait_pid_sleeping(pid);
	check_err(lock(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK,
		  "deadlock: parent waiting for byte 1 would close the cycle: EDEADLK");
	lock(fd, F_SETLK, F_UNLCK, 0, 1);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "deadlock: the child went on");
	close(ready[0]);
	close(ready[1]);
}

/* ---- OFD locks between threads ---- */

struct ofd_args {
	int fd;
	int result;
	pid_t tid;
};

static void *ofd_thread(void *p)
{
	struct ofd_args *a = p;

	a->tid = gettid();
	check_err(lock(a->fd, F_OFD_SETLK, F_WRLCK, 0, 10), EAGAIN,
		  "thread: another open's OFD lock is in the way: EAGAIN");
	check_err(lock(a->fd, F_SETLK, F_WRLCK, 0, 10), EAGAIN,
		  "thread: so it is for a POSIX lock of the same process");
	check(is(getlk(a->fd, F_WRLCK, 0, 1), F_WRLCK, 0, 10, -1), "thread: F_GETLK shows it with l_pid -1");
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1 };
	check(fcntl(a->fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_WRLCK && fl.l_pid == -1,
	      "thread: F_OFD_GETLK too");
	a->result = lock(a->fd, F_OFD_SETLKW, F_WRLCK, 0, 10);
	return NULL;
}

static void ofd(void)
{
	int fd1 = open_file(O_RDWR), fd2 = open_file(O_RDWR);
	struct ofd_args args = { .fd = fd2, .result = -2 };
	pthread_t t;
	char task[48];

	check(lock(fd1, F_OFD_SETLK, F_WRLCK, 0, 10) == 0, "OFD write lock [0,10) through one open");
	struct flock bad = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1 };
	check_err(fcntl(fd1, F_OFD_SETLK, &bad), EINVAL, "F_OFD_SETLK with l_pid != 0: EINVAL");
	check_err(fcntl(fd1, F_OFD_GETLK, &bad), EINVAL, "F_OFD_GETLK with l_pid != 0: EINVAL");
	pthread_create(&t, NULL, ofd_thread, &args);
	while (!__atomic_load_n(&args.tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	snprintf(task, sizeof(task), "%d/task/%d", (int)getpid(), (int)args.tid);
	check(wait_sleeping(task), "the thread sleeps in F_OFD_SETLKW");
	close(fd1);
	pthread_join(t, NULL);
	check(args.result == 0, "closing the description released its lock: the thread has it");
	close(fd2);
}

/* ---- flock ---- */

static void child_flock(int fd, pid_t parent)
{
	int mine = open_file(O_RDONLY);

	(void)parent;
	check(flock(mine, LOCK_SH | LOCK_NB) == 0, "child: a second shared flock");
	check_err(flock(mine, LOCK_EX | LOCK_NB), EWOULDBLOCK, "child: exclusive while shared: EWOULDBLOCK");
	check(lock(mine, F_SETLK, F_RDLCK, 0, 0) == 0, "child: POSIX locks do not see flock's");
	close(mine);
	(void)fd;
}

static void child_flock_inherited(int fd, pid_t parent)
{
	(void)parent;
	check(flock(fd, LOCK_EX | LOCK_NB) == 0, "child: the inherited description's lock is its own");
	close(fd);
}

static void flocks(int fd)
{
	int other = open_file(O_RDONLY);

	check(flock(fd, LOCK_SH) == 0, "flock LOCK_SH");
	check(in_child(child_flock, fd), "shared flocks");
	check(flock(other, LOCK_SH | LOCK_NB) == 0, "a second open shares too");
	check_err(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK, "upgrade while another shares: EWOULDBLOCK");
	check(flock(other, LOCK_UN) == 0, "the other unlocks");
	check(flock(fd, LOCK_EX | LOCK_NB) == 0, "upgrade to LOCK_EX");
	check_err(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK, "shared while exclusive: EWOULDBLOCK");
	check(in_child(child_flock_inherited, fd), "a forked descriptor is the same lock");
	int dup_fd = dup(fd);
	close(dup_fd);
	check_err(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK, "closing a dup keeps the flock");
	close(fd);
	check(flock(other, LOCK_EX | LOCK_NB) == 0, "the last close released it");
	check_err(flock(other, 0), EINVAL, "flock with no operation: EINVAL");
	check_err(flock(99, LOCK_SH), EBADF, "flock on a closed descriptor: EBADF");
	close(other);
}

/* ---- /proc/locks ---- */

/* Does /proc/locks have "N: KIND TYPE PID MAJ:MIN:INO 0 EOF" for fd's file? */
static int in_proc_locks(int fd, const char *kind, const char *type, int pid)
{
	struct stat st;
	char want[128], line[256];
	int found = 0;

	fstat(fd, &st);
	snprintf(want, sizeof(want), "%s ADVISORY  %s %d %02x:%02x:%lu 0 EOF\n", kind, type, pid,
		 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	FILE *f = fopen("/proc/locks", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (colon && !strcmp(colon + 2, want))
			found = 1;
	}
	if (f)
		fclose(f);
	return found;
}

static void proc_locks(int fd)
{
	int other = open_file(O_RDWR);

	lock(fd, F_SETLK, F_WRLCK, 0, 0);
	check(in_proc_locks(fd, "POSIX ", "WRITE", getpid()), "/proc/locks lists the lock as Linux does");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);
	lock(other, F_OFD_SETLK, F_RDLCK, 0, 0);
	check(in_proc_locks(fd, "OFDLCK", "READ", -1), "/proc/locks: an OFD lock, pid -1");
	flock(other, LOCK_EX);
	check(in_proc_locks(fd, "FLOCK ", "WRITE", getpid()), "/proc/locks: a flock lock");
	close(other);
	check(!in_proc_locks(fd, "FLOCK ", "WRITE", getpid()), "/proc/locks: gone at the close");
}

/* ---- bad arguments ---- */

static void bad_arguments(int fd)
{
	int rdonly = open_file(O_RDONLY), wronly = open_file(O_WRONLY);
	struct flock fl = { .l_type = 7, .l_whence = SEEK_SET };

	check_err(fcntl(fd, F_SETLK, &fl), EINVAL, "l_type 7: EINVAL");
	fl.l_type = F_WRLCK;
	fl.l_whence = 5;
	check_err(fcntl(fd, F_SETLK, &fl), EINVAL, "l_whence 5: EINVAL");
	check_err(lock(fd, F_SETLK, F_WRLCK, -1, 1), EINVAL, "a start before 0: EINVAL");
	check_err(lock(fd, F_GETLK, F_UNLCK, 0, 1), EINVAL, "F_GETLK of F_UNLCK: EINVAL");
	check_err(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT, "F_SETLK on a bad pointer: EFAULT");
	check_err(fcntl(fd, F_GETLK, (struct flock *)8), EFAULT, "F_GETLK on a bad pointer: EFAULT");
	check_err(lock(rdonly, F_SETLK, F_WRLCK, 0, 1), EBADF, "write lock on a read-only open: EBADF");
	check_err(lock(wronly, F_SETLK, F_RDLCK, 0, 1), EBADF, "read lock on a write-only open: EBADF");
	check(lock(rdonly, F_SETLK, F_RDLCK, 0, 1) == 0 && lock(rdonly, F_SETLK, F_UNLCK, 0, 1) == 0,
	      "read lock on a read-only open");
	check_err(lock(99, F_SETLK, F_RDLCK, 0, 1), EBADF, "F_SETLK on a closed descriptor: EBADF");
	close(rdonly);
	close(wronly);
}

int main(int argc, char **argv)
{
	char data[100] = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0); /* children must not repeat our buffer */
	snprintf(path, sizeof(path), "%s/lockstest.dat", argc > 1 ? argv[1] : "/tmp");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	check(fd >= 0 && write(fd, data, sizeof(data)) == sizeof(data), "make a 100-byte file");
	posix_ranges(fd);
	release(fd);
	blocking(fd);
	deadlock(fd);
	ofd();
	proc_locks(fd);
	bad_arguments(fd);
	flocks(fd);
	unlink(path);
	printf("lockstest: %d failed\n", failures);
	return failures ? 1 : 0;
}
