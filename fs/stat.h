/* What stat(), fstat() and newfstatat() return: Linux's x86-64 layout. */
#ifndef FS_STAT_H
#define FS_STAT_H

#include "lib/types.h"

#define S_IFMT 0170000
#define S_IFIFO 0010000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFBLK 0060000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFSOCK 0140000
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000
#define S_IALLUGO 07777
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* st_dev and st_rdev hold major:minor as (major << 8) | minor, Linux's
 * encoding for minors below 256. */
struct stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;   /* in 512-byte units */
	uint64_t st_atime, st_atime_nsec;
	uint64_t st_mtime, st_mtime_nsec;
	uint64_t st_ctime, st_ctime_nsec;
	int64_t reserved[3];
};

_Static_assert(sizeof(struct stat) == 144, "Linux's x86-64 struct stat is 144 bytes");

/* What a file system reports to stat, fstat and statx (Linux: struct
 * kstat); fs/stat.c converts it to each system call's layout. */
struct kstat {
	uint64_t ino;
	unsigned long dev;     /* dev_t */
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid, gid;
	unsigned long rdev;    /* dev_t */
	int64_t size;
	int64_t atime_sec, mtime_sec, ctime_sec;
	long atime_nsec, mtime_nsec, ctime_nsec;
	uint32_t blksize;
	uint64_t blocks;       /* 512-byte units */
};

/* statfs's answer (Linux: struct kstatfs). */
struct kstatfs {
	int64_t f_type;        /* the super block's magic */
	int64_t f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail;
	uint64_t f_files, f_ffree;
	uint64_t f_fsid;
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
};

#endif
