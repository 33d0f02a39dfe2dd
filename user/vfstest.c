/*
 * The VFS's name operations, in a tmpfs directory (and on "/": the disk's
 * ext2, or rootfs without a disk, where
 * regular files only come from the initramfs): mkdir, rmdir, symlink, readlink, link, unlink, rename,
 * chdir, getcwd, getdents64, stat/lstat/statx, openat, mount and umount
 * errors, bad pointers. Each check compares with what Linux returns.
 * Works in /tmp/vfstest.PID (on tmpfs), removed at the end. Prints ok/FAIL per
 * check and "vfstest: N failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAD ((void *)8) /* user space, never mapped */
#define RAMFS_MAGIC 0x858458f6

/* Is "/" rootfs (the initramfs, no disk), rather than a disk's ext2? */
static int root_is_rootfs(void)
{
	struct statfs sfs;

	return statfs("/", &sfs) == 0 && sfs.f_type == RAMFS_MAGIC;
}

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static void check_err(long ret, int err, const char *what)
{
	int got = errno;

	if (ret == -1 && got == err) {
		printf("ok: %s\n", what);
		return;
	}
	printf("FAIL: %s (returned %ld, errno %d; wanted errno %d %s)\n", what, ret,
	       ret == -1 ? got : 0, err, strerror(err));
	failures++;
}

static int is_mode(const char *path, mode_t type, int follow)
{
	struct stat st;

	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
		return 0;
	return (st.st_mode & S_IFMT) == type;
}

static nlink_t links_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_nlink : 0;
}

/* Does directory path list name (getdents64 through readdir)? */
static int lists(const char *path, const char *name)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	closedir(d);
	return found;
}

static void test_directories(void)
{
	nlink_t before = links_of(".");

	check(mkdir("a", 0755) == 0, "mkdir a new directory");
	check(is_mode("a", S_IFDIR, 1) && links_of("a") == 2, "it is a directory with 2 links");
	check(links_of(".") == before + 1, "its '..' adds a link to the parent");
	check_err(mkdir("a", 0755), EEXIST, "mkdir of an existing name: EEXIST");
	check_err(mkdir("nope/x", 0755), ENOENT, "mkdir under a missing directory: ENOENT");
	check_err(mkdir("/bin/hello/x", 0755), ENOTDIR, "mkdir under a file: ENOTDIR");
	check_err(mkdir("/", 0755), EEXIST, "mkdir /: EEXIST");
	check(mkdir("a/b/", 0755) == 0, "mkdir with a trailing slash");
	check_err(rmdir("a"), ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	check_err(rmdir("a/b/."), EINVAL, "rmdir of '.': EINVAL");
	check_err(unlink("a/b"), EISDIR, "unlink of a directory: EISDIR");
	check_err(rmdir("/bin/hello"), ENOTDIR, "rmdir of a file: ENOTDIR");
	check(lists(".", "a") && lists("a", "b") && lists("a", ".") && lists("a", ".."),
	      "getdents64 lists the new names, '.' and '..'");
	check(rmdir("a/b") == 0 && rmdir("a") == 0, "rmdir of empty directories");
	check(!lists(".", "a") && links_of(".") == before, "gone, and the parent's link too");
	char name[300];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	check_err(mkdir(name, 0755), ENAMETOOLONG, "a 299-character name: ENAMETOOLONG");
	check_err(mkdir(BAD, 0755), EFAULT, "mkdir with a bad pointer: EFAULT");
}

static void test_cwd(const char *top)
{
	char buf[256];

	check(mkdir("d", 0755) == 0 && chdir("d") == 0, "chdir into a new directory");
	check(getcwd(buf, sizeof(buf)) && !strncmp(buf, top, strlen(top)) &&
	      !strcmp(buf + strlen(top), "/d"),
	      "getcwd names it");
	check(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, top), "chdir ..");
	check_err(syscall(SYS_getcwd, buf, 2), ERANGE, "getcwd into a small buffer: ERANGE");
	check_err(chdir("/bin/hello"), ENOTDIR, "chdir to a file: ENOTDIR");
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	check(fd >= 0 && fchdir(fd) == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf + strlen(top), "/d"), "fchdir");
	close(fd);
	check(chdir("/") == 0 && chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"),
	      "'..' of / is /");
	check(chdir(top) == 0 && rmdir("d") == 0, "back, and clean up");
}

static void test_symlinks(void)
{
	char buf[64];
	struct stat via, direct;

	check(symlink("/bin/hello", "link") == 0, "symlink to /bin/hello");
	ssize_t n = readlink("link", buf, sizeof(buf));
	check(n == 10 && !memcmp(buf, "/bin/hello", 10), "readlink gives the target, no NUL");
	check(readlink("link", buf, 3) == 3 && !memcmp(buf, "/bi", 3), "readlink truncates");
	check(is_mode("link", S_IFLNK, 0) && is_mode("link", S_IFREG, 1),
	      "lstat sees a link, stat the file");
	check(stat("link", &via) == 0 && stat("/bin/hello", &direct) == 0 &&
	      via.st_ino == direct.st_ino && via.st_size == direct.st_size,
	      "stat through the link is the target's");
	int fd = open("link", O_RDONLY);
	check(fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "\177ELF", 4),
	      "open follows it and reads the program");
	close(fd);
	check_err(open("link", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a link: ELOOP");
	check_err(readlink("/bin/hello", buf, sizeof(buf)), EINVAL, "readlink of a file: EINVAL");
	check(symlink("loop", "loop") == 0, "a link to itself");
	check_err(open("loop", O_RDONLY), ELOOP, "opening it: ELOOP");
	check(symlink("/nowhere", "dangling") == 0, "a dangling link");
	check_err(open("dangling", O_RDONLY), ENOENT, "opening it: ENOENT");
	check(mkdir("dir", 0755) == 0 && symlink("dir", "dirlink") == 0 && mkdir("dirlink/in", 0755) == 0 &&
	      is_mode("dir/in", S_IFDIR, 1), "a link in the middle of a path is followed");
	check(rmdir("dir/in") == 0 && unlink("dirlink") == 0 && rmdir("dir") == 0,
	      "unlink removes the link, not the directory");
	check(unlink("link") == 0 && unlink("loop") == 0 && unlink("dangling") == 0 &&
	      stat("/bin/hello", &direct) == 0, "links removed; the target stays");
}

static void test_link_and_rename(void)
{
	int fd = open("file", O_WRONLY | O_CREAT | O_EXCL, 0644);

	check(fd >= 0 && close(fd) == 0, "a file to link");
	check(link("file", "hard") == 0 && links_of("file") == 2,
	      "link adds a name and a link count");
	check_err(link("file", "hard"), EEXIST, "link over an existing name: EEXIST");
	check_err(link("/bin/hello", "other"), EXDEV, "link from another file system: EXDEV");
	check(mkdir("x", 0755) == 0, "a directory to link");
	check_err(link("x", "xx"), EPERM, "link of a directory: EPERM");
	check(rename("x", "y") == 0 && is_mode("y", S_IFDIR, 1) && !is_mode("x", S_IFDIR, 1),
	      "rename a directory");
	check_err(rename("y", "y/inside"), EINVAL, "rename a directory into itself: EINVAL");
	check_err(rename("hard", "y"), EISDIR, "rename a file over a directory: EISDIR");
	check_err(rename("y", "hard"), ENOTDIR, "rename a directory over a file: ENOTDIR");
	check_err(rename("missing", "z"), ENOENT, "rename of a missing name: ENOENT");
	check(rename("hard", "hard") == 0, "rename onto itself does nothing");
	check(mkdir("z", 0755) == 0 && rename("y", "z") == 0 && !is_mode("y", S_IFDIR, 1),
	      "rename a directory over an empty one");
	check(syscall(SYS_renameat2, AT_FDCWD, "z", AT_FDCWD, "hard", 1 /* NOREPLACE */) == -1 &&
	      errno == EEXIST, "RENAME_NOREPLACE over a name: EEXIST");
	check(unlink("hard") == 0 && links_of("file") == 1 && rmdir("z") == 0 && unlink("file") == 0,
	      "unlink drops the link count back");
	check_err(rename(BAD, "q"), EFAULT, "rename with a bad pointer: EFAULT");
}

static void test_open_rules(void)
{
	check_err(open("/tmp", O_WRONLY), EISDIR, "open a directory for writing: EISDIR");
	check_err(open("/bin/hello", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file: ENOTDIR");
	if (root_is_rootfs()) {
		check_err(open("/newfile", O_WRONLY | O_CREAT, 0644), EROFS,
			  "rootfs has no new regular files: EROFS");
	} else {
		int fd = open("/newfile", O_WRONLY | O_CREAT, 0644);
		check(fd >= 0 && close(fd) == 0 && unlink("/newfile") == 0,
		      "the disk takes new regular files");
	}
	check_err(open("/bin/hello/", O_RDONLY), ENOTDIR, "a file with a trailing slash: ENOTDIR");
	int dir = open("/bin", O_RDONLY | O_DIRECTORY);
	int fd = openat(dir, "hello", O_RDONLY);
	check(fd >= 0, "openat relative to a directory descriptor");
	struct stat a, b;
	check(fstatat(fd, "", &a, AT_EMPTY_PATH) == 0 && stat("/bin/hello", &b) == 0 &&
	      a.st_ino == b.st_ino, "fstatat AT_EMPTY_PATH");
	check_err(openat(fd, "x", O_RDONLY), ENOTDIR, "openat relative to a file: ENOTDIR");
	check(access("/bin/hello", X_OK) == 0 && access("/tmp", W_OK) == 0, "access");
	check_err(access("/nope", F_OK), ENOENT, "access of a missing file: ENOENT");
	close(fd);
	close(dir);
}

static void test_mounts(const char *top)
{
	/* Linux remounts a disk root read-only instead; Antidote refuses. */
	if (root_is_rootfs())
		check_err(umount2("/", 0), EINVAL, "umount of the initial root: EINVAL");
	else
		check_err(umount2("/", 0), EBUSY, "umount of the disk root, in use: EBUSY");
	check_err(umount2(top, 0), EINVAL, "umount of a plain directory: EINVAL");
	check_err(mount("none", "/mnt", "nosuchfs", 0, NULL), ENODEV,
		  "mount of an unknown type: ENODEV");
	check_err(mount("none", "/bin/hello", "rootfs", 0, NULL), ENOTDIR,
		  "mount on a file: ENOTDIR");
}

int main(void)
{
	char top[64];

	snprintf(top, sizeof(top), "/tmp/vfstest.%d", getpid());
	if (mkdir(top, 0755) != 0 || chdir(top) != 0) {
		printf("FAIL: cannot make %s: %s\n", top, strerror(errno));
		return 1;
	}
	test_directories();
	test_cwd(top);
	test_symlinks();
	test_link_and_rename();
	test_open_rules();
	test_mounts(top);
	chdir("/");
	check(rmdir(top) == 0, "the test directory is removed");
	printf("vfstest: %d failed\n", failures);
	return failures != 0;
}
