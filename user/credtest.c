/*
 * Users (kernel/cred.c, the permission checks of fs/namei.c and
 * fs/attr.c): the id system calls with Linux's rules, and what a user
 * who is not root may not do - read or write another user's files
 * against their mode bits, remove another user's file from a sticky
 * directory, run a file without an x bit (not even root), chmod or
 * chown what is not theirs, poison memory (MADV_HWPOISON and
 * MADV_SOFT_OFFLINE need CAP_SYS_ADMIN: EPERM) or open another user's
 * /proc/PID/pagemap (EACCES). Run as root; the checks as another user
 * run in children that switch to uid 1000. Prints one line per check
 * and "credtest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define USER 1000
#define DIR "/tmp/credtest.d"
#define SECRET "/tmp/credtest.secret"
#define PUBLIC "/tmp/credtest.public"
#define SCRIPT "/tmp/credtest.noexec"

/* Run fn in a child; its checks count through its exit status, which
 * is its number of failures. */
static void in_child(void (*fn)(void), const char *what)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		fn();
		_exit(failures > 255 ? 255 : failures);
	}
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, what);
}

static int ids_are(uid_t r, uid_t e, uid_t s)
{
	uid_t a, b, c;

	return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static void become_user(void)
{
	check(setgroups(0, NULL) == 0 && setgid(USER) == 0 && setuid(USER) == 0,
	      "root: setgroups, setgid, setuid to 1000");
}

static void id_rules(void)
{
	gid_t groups[4] = { 50, 20 }, got[4];

	check(ids_are(0, 0, 0) && getuid() == 0 && geteuid() == 0 && getgid() == 0,
	      "root: uid, euid, suid 0");
	check(setgroups(2, groups) == 0 && getgroups(0, NULL) == 2 && getgroups(4, got) == 2 &&
	      got[0] == 20 && got[1] == 50, "setgroups, getgroups (sorted)");
	check_err(getgroups(1, got), EINVAL, "getgroups with too small a list: EINVAL");
	check(setresuid(USER, USER, 0) == 0 && ids_are(USER, USER, 0), "setresuid(1000, 1000, 0)");
	check(geteuid() == USER && setfsuid(-1) == USER, "fsuid follows euid");
	check(setreuid(-1, 0) == 0 && ids_are(USER, 0, 0), "back to euid 0 through the saved id");
	check(setreuid(-1, USER) == 0 && ids_are(USER, USER, 0),
	      "setreuid(-1, 1000): effective only, the saved id stays");
	check_err(setreuid(2000, -1), EPERM, "not root: setreuid to an id it has not: EPERM");
	check_err(setresuid(-1, 2000, -1), EPERM, "...setresuid: EPERM");
	check_err(setgroups(0, NULL), EPERM, "...setgroups: EPERM");
	check(setuid(0) == 0 && ids_are(USER, 0, 0), "setuid(0) with saved 0: euid only");
	check(setuid(USER) == 0 && ids_are(USER, USER, USER), "root setuid(1000): all three");
	check_err(setuid(0), EPERM, "then setuid(0): EPERM, for good");
	check(setfsuid(0) == USER && setfsuid(-1) == USER, "setfsuid(0) refused: still 1000");
	struct rlimit rl;
	check(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 16, "getrlimit(RLIMIT_NOFILE)");
	rl.rlim_max = rl.rlim_cur = 16;
	check(setrlimit(RLIMIT_NOFILE, &rl) == 0, "lowering a hard limit");
	rl.rlim_max = 32;
	check_err(setrlimit(RLIMIT_NOFILE, &rl), EPERM, "...raising it again, not root: EPERM");
}

static void file_rules(void)
{
	become_user();
	check_err(open(SECRET, O_RDONLY), EACCES, "another user's 0600 file: read EACCES");
	check_err(open(PUBLIC, O_WRONLY), EACCES, "another user's 0644 file: write EACCES");
	int fd = open(PUBLIC, O_RDONLY);
	check(fd >= 0, "...read is allowed");
	close(fd);
	check_err(access(SECRET, R_OK), EACCES, "access(R_OK) of the 0600 file: EACCES");
	check_err(open(DIR "/x", O_RDONLY), EACCES, "a file in a 0700 directory: EACCES (search)");
	check_err(mkdir("/credtest", 0755), EACCES, "mkdir in root's 0755 /: EACCES");
	check_err(unlink(PUBLIC), EPERM, "unlink of another user's file in sticky /tmp: EPERM");
	check_err(chmod(PUBLIC, 0666), EPERM, "chmod of another user's file: EPERM");
	fd = open("/tmp/credtest.mine", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct stat st;
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == USER && st.st_gid == USER,
	      "a file it creates is its own (uid and gid 1000)");
	check_err(fchown(fd, 0, -1), EPERM, "chown of its own file to root: EPERM");
	check(fchown(fd, -1, USER) == 0, "chgrp to its own group");
	check(fchmod(fd, 0640) == 0, "chmod of its own file");
	close(fd);
	check(unlink("/tmp/credtest.mine") == 0, "unlink of its own file in /tmp");
	check_err(truncate(PUBLIC, 0), EACCES, "truncate of another user's file: EACCES");
	check_err(chdir(DIR), EACCES, "chdir into a 0700 directory of another user: EACCES");
	check_err(kill(getppid(), 0), EPERM, "kill of a root process: EPERM");
	check(kill(getpid(), 0) == 0, "kill of itself");
}

static void exec_rules(void)
{
	char *argv[] = { SCRIPT, NULL };

	execv(SCRIPT, argv);
	check(errno == EACCES, "exec of a 0644 file, even as root: EACCES");
}

static void memory_rules(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char path[64];

	p[0] = 1;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", getppid());
	become_user();
	check_err(madvise(p, 4096, MADV_HWPOISON), EPERM, "not root: MADV_HWPOISON EPERM");
	check_err(madvise(p, 4096, MADV_SOFT_OFFLINE), EPERM, "not root: MADV_SOFT_OFFLINE EPERM");
	check_err(open(path, O_RDONLY), EACCES, "another user's /proc/PID/pagemap: EACCES");
	int fd = open("/proc/self/pagemap", O_RDONLY);
	check(fd >= 0, "its own pagemap opens");
	struct stat st;
	check(stat("/proc/self/pagemap", &st) == 0 && st.st_uid == USER && st.st_gid == USER,
	      "...and is its own (uid and gid 1000)");
	close(fd);
}

static void write_file(const char *path, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, "data\n", 5) != 5 || fchmod(fd, mode) != 0)
		printf("FAIL: cannot make %s\n", path);
	close(fd);
}

int main(void)
{
	in_child(id_rules, "the id rules (in a child)");
	mkdir(DIR, 0700);
	write_file(DIR "/x", 0644);
	write_file(SECRET, 0600);
	write_file(PUBLIC, 0644);
	write_file(SCRIPT, 0644);
	in_child(file_rules, "the file rules for uid 1000 (in a child)");
	in_child(exec_rules, "exec needs an x bit (in a child)");
	in_child(memory_rules, "the memory rules for uid 1000 (in a child)");
	check(access(SECRET, R_OK | W_OK) == 0, "root: access to the 0600 file");
	unlink(DIR "/x");
	rmdir(DIR);
	unlink(SECRET);
	unlink(PUBLIC);
	unlink(SCRIPT);
	printf("credtest: %d failed\n", failures);
	return failures != 0;
}
