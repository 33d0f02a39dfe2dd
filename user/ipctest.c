/*
 * System V shared memory and semaphores (ipc/shm.c, ipc/sem.c), checked
 * against what Linux does: keys, IPC_PRIVATE, IPC_CREAT|IPC_EXCL,
 * attaches shared with a child, IPC_RMID while attached, semop that
 * blocks and is woken, times out, is interrupted or sees its set
 * removed, SEM_UNDO at exit, the permission checks for another user,
 * and the commands ipcs lists the objects with (IPC_INFO, SHM_INFO,
 * SEM_INFO, SHM_STAT, SEM_STAT and their _ANY forms). Runs on Linux too.
 * Prints one line per check and "ipctest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096
#define KEY 0x1bad5eed
#define BAD ((void *)8)

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The child's exit status, or -1. */
static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static unsigned long nattch(int id)
{
	struct shmid_ds ds;

	return shmctl(id, IPC_STAT, &ds) == 0 ? ds.shm_nattch : 999;
}

/* Is there a line "key id perms size ..." in the /proc/sysvipc report? */
static int listed(const char *report, int key, int id, unsigned int perms, unsigned long size)
{
	FILE *f = fopen(report, "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "       key      ", 16))
		found = -1; /* Linux's header first */
	while (!found && fgets(line, sizeof(line), f)) {
		int k, i;
		unsigned int p;
		unsigned long n;
		if (sscanf(line, "%d %d %o %lu", &k, &i, &p, &n) == 4 && k == key && i == id &&
		    p == perms && n == size)
			found = 1;
	}
	fclose(f);
	return found == 1;
}

static void test_shm_keys(void)
{
	int id = shmget(KEY, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0600);

	check(id >= 0, "shmget(KEY, IPC_CREAT|IPC_EXCL): a new segment");
	check(shmget(KEY, PAGE, 0) == id, "shmget(KEY) finds it again");
	check_err(shmget(KEY, PAGE, IPC_CREAT | IPC_EXCL | 0600), EEXIST,
		  "IPC_CREAT|IPC_EXCL of an existing key: EEXIST");
	check_err(shmget(KEY, 3 * PAGE, 0), EINVAL, "asking for more than its size: EINVAL");
	check_err(shmget(KEY + 1, PAGE, 0), ENOENT, "a key nobody made, without IPC_CREAT: ENOENT");
	check_err(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL, "size 0: EINVAL");
	int other = shmget(IPC_PRIVATE, PAGE, 0600), third = shmget(IPC_PRIVATE, PAGE, 0600);
	check(other >= 0 && other != id && third >= 0 && third != other,
	      "IPC_PRIVATE: a new segment every time");
	shmctl(other, IPC_RMID, NULL);
	shmctl(third, IPC_RMID, NULL);
	struct shmid_ds ds;
	check(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 2 * PAGE &&
	      ds.shm_perm.__ipc_perm_key == KEY && (ds.shm_perm.mode & 0777) == 0600 &&
	      ds.shm_perm.uid == 0 && ds.shm_cpid == getpid() && ds.shm_nattch == 0,
	      "IPC_STAT: size, key, mode, owner, creator, no attaches");
	check(listed("/proc/sysvipc/shm", KEY, id, 0600, 2 * PAGE),
	      "/proc/sysvipc/shm lists it: key, id, perms, size");
	ds.shm_perm.mode = 0640;
	check(shmctl(id, IPC_SET, &ds) == 0 && shmctl(id, IPC_STAT, &ds) == 0 &&
	      (ds.shm_perm.mode & 0777) == 0640, "IPC_SET changes the mode");
	check_err(shmctl(id, IPC_STAT, BAD), EFAULT, "IPC_STAT into a bad pointer: EFAULT");
	check_err(shmctl(id, IPC_SET, BAD), EFAULT, "IPC_SET from a bad pointer: EFAULT");
	check(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
	check_err(shmctl(id, IPC_STAT, &ds), EINVAL, "...its id is gone: EINVAL");
	check_err(shmget(KEY, PAGE, 0), ENOENT, "...and its key: ENOENT");
	check(shmget(KEY, PAGE, IPC_CREAT | 0600) != id, "the key makes a new segment, another id");
	shmctl(shmget(KEY, PAGE, 0), IPC_RMID, NULL);
}

static void test_shm_attach(void)
{
	int id = shmget(IPC_PRIVATE, 3 * PAGE, 0600);
	char *p = shmat(id, NULL, 0);

	check(p != (void *)-1, "shmat: attached");
	check(p[0] == 0 && p[3 * PAGE - 1] == 0, "a new segment reads zeros");
	strcpy(p, "parent");
	check(nattch(id) == 1, "nattch 1");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = !strcmp(p, "parent") && nattch(id) == 2;
		strcpy(p + PAGE, "child");
		char *q = shmat(id, NULL, SHM_RDONLY);
		ok = ok && q != (void *)-1 && !strcmp(q + PAGE, "child") && nattch(id) == 3;
		_exit(ok ? 0 : 1);
	}
	check(wait_child(pid) == 0, "a child shares it (nattch 2, a second attach 3)");
	check(!strcmp(p + PAGE, "child"), "the parent sees the child's write");
	check(nattch(id) == 1, "the child's exit detached both of its attaches");
	check_err((long)shmat(id, p + 1, 0), EINVAL, "an unaligned address: EINVAL");
	check_err((long)shmat(id, p, 0), EINVAL, "an address in use, without SHM_REMAP: EINVAL");
	char *r = shmat(id, p + PAGE + 1, SHM_RND | SHM_REMAP);
	check(r == p + PAGE && !strcmp(r, "parent") && !strcmp(r + PAGE, "child"),
	      "SHM_RND|SHM_REMAP: rounded down, the segment from its start replaces what was there");
	check(nattch(id) == 2, "nattch 2: the rest of the first attach and this one");
	check(shmdt(r) == 0 && nattch(id) == 1, "shmdt");
	check_err(shmdt(r), EINVAL, "shmdt where nothing is attached: EINVAL");
	check(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID while attached");
	struct shmid_ds ds;
	check(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 01000) &&
	      ds.shm_perm.__ipc_perm_key == IPC_PRIVATE,
	      "...it lives on: SHM_DEST, its key private");
	check(!strcmp(p, "parent"), "...and its data too");
	check(shmdt(p) == 0, "the last shmdt");
	check_err(shmctl(id, IPC_STAT, &ds), EINVAL, "...destroys it: EINVAL");
	check_err((long)shmat(12345678, NULL, 0), EINVAL, "shmat of no segment: EINVAL");
}

static void test_shm_permissions(void)
{
	int id = shmget(IPC_PRIVATE, PAGE, 0600), open_id = shmget(IPC_PRIVATE, PAGE, 0644);
	pid_t pid = fork();

	if (pid == 0) {
		int ok = setuid(1000) == 0;
		ok = ok && shmat(id, NULL, 0) == (void *)-1 && errno == EACCES;
		ok = ok && shmat(open_id, NULL, 0) == (void *)-1 && errno == EACCES;
		ok = ok && shmat(open_id, NULL, SHM_RDONLY) != (void *)-1;
		ok = ok && shmctl(open_id, IPC_RMID, NULL) == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	check(wait_child(pid) == 0, "another user: EACCES to attach 0600 or to write 0644, "
				    "reads 0644, IPC_RMID EPERM");
	shmctl(id, IPC_RMID, NULL);
	shmctl(open_id, IPC_RMID, NULL);
}

static int sem_op(int id, int num, int op, int flags)
{
	struct sembuf sb = { (unsigned short)num, (short)op, (short)flags };

	return semop(id, &sb, 1);
}

/* Wait (bounded) until someone sleeps in semop on semaphore 0. */
static int wait_for_sleeper(int id, int cmd)
{
	for (int i = 0; i < 100000; i++) {
		if (semctl(id, 0, cmd) == 1)
			return 1;
		sched_yield();
	}
	return 0;
}

static void test_sem_basics(void)
{
	int id = semget(IPC_PRIVATE, 3, 0600);
	unsigned short vals[3] = { 1, 2, 3 }, got[3];
	struct semid_ds ds;

	check(id >= 0, "semget: a set of 3");
	check(listed("/proc/sysvipc/sem", IPC_PRIVATE, id, 0600, 3),
	      "/proc/sysvipc/sem lists it: key 0, id, perms, 3 semaphores");
	check(semctl(id, 1, GETVAL) == 0, "new semaphores are 0");
	check(semctl(id, 0, SETALL, (union semun){ .array = vals }) == 0 &&
	      semctl(id, 0, GETALL, (union semun){ .array = got }) == 0 &&
	      !memcmp(vals, got, sizeof(got)), "SETALL, GETALL");
	check(semctl(id, 2, SETVAL, (union semun){ .val = 7 }) == 0 && semctl(id, 2, GETVAL) == 7,
	      "SETVAL, GETVAL");
	check_err(semctl(id, 2, SETVAL, (union semun){ .val = 40000 }), ERANGE,
		  "SETVAL above SEMVMX: ERANGE");
	check_err(semctl(id, 3, GETVAL), EINVAL, "semaphore 3 of 3: EINVAL");
	struct sembuf two[2] = { { 0, -1, 0 }, { 1, -2, 0 } };
	check(semop(id, two, 2) == 0 && semctl(id, 0, GETVAL) == 0 && semctl(id, 1, GETVAL) == 0,
	      "semop: two operations at once");
	check(semctl(id, 0, GETPID) == getpid(), "GETPID: the last to change it");
	struct sembuf some[2] = { { 2, -1, 0 }, { 0, -1, IPC_NOWAIT } };
	check_err(semop(id, some, 2), EAGAIN, "one cannot go on, IPC_NOWAIT: EAGAIN");
	check(semctl(id, 2, GETVAL) == 7, "...and the other was not done either");
	check_err(sem_op(id, 3, 1, 0), EFBIG, "semop on semaphore 3 of 3: EFBIG");
	check_err(sem_op(id, 2, 32767, 0), ERANGE, "beyond SEMVMX: ERANGE");
	check(semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 && ds.sem_nsems == 3 &&
	      ds.sem_otime != 0, "IPC_STAT: 3 semaphores, the time of the last semop");
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct sembuf down = { 0, -1, 0 };
	check_err(semtimedop(id, &down, 1, &ts), EAGAIN, "semtimedop: 50 ms and nothing: EAGAIN");
	check_err(semget(IPC_PRIVATE, 0, 0600), EINVAL, "semget of 0 semaphores: EINVAL");
	check_err(semop(id, two, 0), EINVAL, "semop of no operations: EINVAL");
	check_err(semop(id, two, 501), E2BIG, "semop of 501 operations: E2BIG");
	check_err(semop(id, BAD, 1), EFAULT, "semop from a bad pointer: EFAULT");
	check_err(semctl(id, 0, GETALL, (union semun){ .array = BAD }), EFAULT,
		  "GETALL into a bad pointer: EFAULT");
	check_err(semctl(id, 0, IPC_STAT, (union semun){ .buf = BAD }), EFAULT,
		  "IPC_STAT into a bad pointer: EFAULT");
	check_err(semctl(id, 0, 99), EINVAL, "an unknown command: EINVAL");
	check(semctl(id, 0, IPC_RMID) == 0, "IPC_RMID");
	check_err(semctl(id, 0, GETVAL), EINVAL, "...gone: EINVAL");
}

static void test_sem_blocking(void)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	pid_t pid = fork();

	if (pid == 0)
		_exit(sem_op(id, 0, -2, 0) == 0 && semctl(id, 0, GETVAL) == 0 ? 0 : 1);
	check(wait_for_sleeper(id, GETNCNT), "a child sleeps in semop(-2): GETNCNT 1");
	check(sem_op(id, 0, 1, 0) == 0 && semctl(id, 0, GETNCNT) == 1, "+1 is not enough for it");
	check(sem_op(id, 0, 1, 0) == 0 && wait_child(pid) == 0, "+1 more wakes it: it took 2");
	sem_op(id, 0, 1, 0);
	pid = fork();
	if (pid == 0)
		_exit(sem_op(id, 0, 0, 0) == 0 ? 0 : 1);
	check(wait_for_sleeper(id, GETZCNT), "a child waits for zero: GETZCNT 1");
	check(sem_op(id, 0, -1, 0) == 0 && wait_child(pid) == 0, "reaching 0 wakes it");
	pid = fork();
	if (pid == 0)
		_exit(sem_op(id, 0, -1, 0) == -1 && errno == EIDRM ? 0 : 1);
	check(wait_for_sleeper(id, GETNCNT), "another sleeps");
	check(semctl(id, 0, IPC_RMID) == 0 && wait_child(pid) == 0, "IPC_RMID: it gets EIDRM");
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void test_sem_signal_and_undo(void)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGUSR1, on_usr1);
		_exit(sem_op(id, 0, -1, 0) == -1 && errno == EINTR ? 0 : 1);
	}
	check(wait_for_sleeper(id, GETNCNT), "a child sleeps in semop");
	check(kill(pid, SIGUSR1) == 0 && wait_child(pid) == 0, "a signal: EINTR, even SA_RESTART");
	pid = fork();
	if (pid == 0)
		_exit(sem_op(id, 0, 5, SEM_UNDO) == 0 && sem_op(id, 0, -2, SEM_UNDO) == 0 &&
		      semctl(id, 0, GETVAL) == 3 ? 0 : 1);
	check(wait_child(pid) == 0 && semctl(id, 0, GETVAL) == 0,
	      "SEM_UNDO: +5 and -2 in a child, taken back at its exit");
	semctl(id, 0, SETVAL, (union semun){ .val = 1 });
	pid = fork();
	if (pid == 0)
		_exit(sem_op(id, 0, -1, SEM_UNDO) == 0 ? 0 : 1);
	check(wait_child(pid) == 0 && semctl(id, 0, GETVAL) == 1,
	      "a child's undoable -1 comes back at its exit");
	pid = fork();
	if (pid == 0) {
		int ok = setuid(1000) == 0 && sem_op(id, 0, 1, 0) == -1 && errno == EACCES &&
			 semctl(id, 0, GETVAL) == -1 && errno == EACCES &&
			 semctl(id, 0, IPC_RMID) == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	check(wait_child(pid) == 0, "another user: semop and GETVAL EACCES, IPC_RMID EPERM");
	semctl(id, 0, IPC_RMID);
}

/* What ipcs does: IPC_INFO gives the highest slot in use, *_STAT each
 * slot's object and id. The slot that holds id, found by that walk. */
static int stat_walk(int maxidx, int id, bool shm, int cmd)
{
	for (int idx = 0; idx <= maxidx; idx++) {
		struct shmid_ds shm_ds;
		struct semid_ds sem_ds;
		union semun arg = { .buf = &sem_ds };
		int got = shm ? shmctl(idx, cmd, &shm_ds) : semctl(idx, 0, cmd, arg);
		if (got == id)
			return idx;
	}
	return -1;
}

static void test_shm_info(void)
{
	int id = shmget(IPC_PRIVATE, 3 * PAGE + 1, IPC_CREAT | 0600);
	char *p = shmat(id, NULL, 0);
	struct shminfo limits;
	struct shm_info use;
	struct shmid_ds ds;

	p[0] = p[PAGE] = 1;
	int maxidx = shmctl(0, IPC_INFO, (struct shmid_ds *)&limits);
	check(maxidx >= (id & 0x7fff) && limits.shmmni >= 4096 && limits.shmmin == 1 &&
	      limits.shmmax >= 1UL << 32 && limits.shmseg == limits.shmmni,
	      "shmctl(IPC_INFO): the limits, and the highest slot in use");
	check(shmctl(0, SHM_INFO, (struct shmid_ds *)&use) == maxidx && use.__used_ids >= 1 &&
	      use.shm_tot >= 4 && use.shm_rss >= 2, "shmctl(SHM_INFO): segments, pages, resident pages");
	int idx = stat_walk(maxidx, id, true, SHM_STAT);
	check(idx >= 0 && shmctl(idx, SHM_STAT, &ds) == id && ds.shm_segsz == 3 * PAGE + 1 &&
	      ds.shm_nattch == 1 && ds.shm_cpid == getpid(),
	      "SHM_STAT over the slots finds the segment: its id, size, attaches");
	check(stat_walk(maxidx, id, true, SHM_STAT_ANY) == idx, "SHM_STAT_ANY finds it too");
	check_err(shmctl(4095, SHM_STAT, &ds), EINVAL, "SHM_STAT of an empty slot: EINVAL");
	check_err(shmctl(idx, SHM_STAT, BAD), EFAULT, "SHM_STAT into a bad pointer: EFAULT");
	check_err(shmctl(0, IPC_INFO, BAD), EFAULT, "IPC_INFO into a bad pointer: EFAULT");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = setuid(1000) == 0 && shmctl(idx, SHM_STAT, &ds) == -1 && errno == EACCES &&
			 shmctl(idx, SHM_STAT_ANY, &ds) == id;
		_exit(ok ? 0 : 1);
	}
	check(wait_child(pid) == 0, "another user: SHM_STAT EACCES, SHM_STAT_ANY the id");
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

static void test_sem_info(void)
{
	int id = semget(IPC_PRIVATE, 5, IPC_CREAT | 0600);
	struct seminfo limits, use;
	struct semid_ds ds;
	union semun arg = { .buf = (struct semid_ds *)&limits };

	int maxidx = semctl(0, 0, IPC_INFO, arg);
	check(maxidx >= (id & 0x7fff) && limits.semmsl == 32000 && limits.semopm == 500 &&
	      limits.semvmx == 32767 && limits.semusz == 20 && limits.semaem == 32767,
	      "semctl(IPC_INFO): the limits, and the highest slot in use");
	arg.buf = (struct semid_ds *)&use;
	check(semctl(0, 0, SEM_INFO, arg) == maxidx && use.semusz >= 1 && use.semaem >= 5,
	      "semctl(SEM_INFO): the sets in use and their semaphores");
	int idx = stat_walk(maxidx, id, false, SEM_STAT);
	arg.buf = &ds;
	check(idx >= 0 && semctl(idx, 0, SEM_STAT, arg) == id && ds.sem_nsems == 5,
	      "SEM_STAT over the slots finds the set: its id, 5 semaphores");
	check(stat_walk(maxidx, id, false, SEM_STAT_ANY) == idx, "SEM_STAT_ANY finds it too");
	check_err(semctl(4095, 0, SEM_STAT, arg), EINVAL, "SEM_STAT of an empty slot: EINVAL");
	pid_t pid = fork();
	if (pid == 0) {
		int ok = setuid(1000) == 0 && semctl(idx, 0, SEM_STAT, arg) == -1 &&
			 errno == EACCES && semctl(idx, 0, SEM_STAT_ANY, arg) == id;
		_exit(ok ? 0 : 1);
	}
	check(wait_child(pid) == 0, "another user: SEM_STAT EACCES, SEM_STAT_ANY the id");
	semctl(id, 0, IPC_RMID);
}

int main(void)
{
	test_shm_keys();
	test_shm_attach();
	test_shm_permissions();
	test_sem_basics();
	test_sem_blocking();
	test_sem_signal_and_undo();
	test_shm_info();
	test_sem_info();
	printf("ipctest: %d failed\n", failures);
	return failures != 0;
}
