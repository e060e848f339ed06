/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The write-safety rules (bk-safefile.h, doc/safety.md).  All system calls
 * that create, write, rename or remove go through bk_io so that the fault
 * injection tests can fail or kill each one in turn.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include "bk-alloc.h"
#include "bk-atomic.h"
#include "bk-safefile.h"

/* ---- the target --------------------------------------------------------------- */

static int
split_real(struct bk_errbuf *eb, struct bk_target *t)
{
	char *slash = strrchr(t->real, '/'), *dir;
	const char *b = slash ? slash + 1 : t->real;

	if (!*b || strcmp(b, ".") == 0 || strcmp(b, "..") == 0)
		return bk_error_at(eb, t->name, BK_EINVAL, "not a file name");
	if (!(t->base = bk_strdup(b)))
		return bk_error_at(eb, t->name, BK_ENOMEM, "out of memory");
	if (!slash)
		dir = bk_strdup(".");
	else if (slash == t->real)
		dir = bk_strdup("/");
	else if ((dir = bk_malloc((size_t)(slash - t->real) + 1)) != NULL) {
		memcpy(dir, t->real, (size_t)(slash - t->real));
		dir[slash - t->real] = '\0';
	}
	if (!dir)
		return bk_error_at(eb, t->name, BK_ENOMEM, "out of memory");
	t->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bk_free(dir);
	if (t->dirfd < 0)
		return bk_err_errno(eb, "open the folder of", t->name);
	return 0;
}

int
bk_target_open(struct bk_errbuf *eb, const char *path, unsigned flags, struct bk_target *t)
{
	struct stat st;
	int rc;

	memset(t, 0, sizeof(*t));
	t->dirfd = -1;
	t->name = path;
	if (!(flags & BK_SAFE_SIDECAR) && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		/* The link stays; the file it leads to is replaced in its folder. */
		t->real = realpath(path, NULL);
		if (!t->real)
			return errno == ENOENT
			       ? bk_error_at(eb, path, BK_EINVAL, "symbolic link to a missing file")
			       : bk_err_errno(eb, "resolve", path);
	} else if (!(t->real = strdup(path))) {
		return bk_error_at(eb, path, BK_ENOMEM, "out of memory");
	}
	if ((rc = split_real(eb, t)) < 0) {
		bk_target_close(t);
		return rc;
	}
	if (fstatat(t->dirfd, t->base, &t->st, AT_SYMLINK_NOFOLLOW) == 0)
		t->exists = true;
	else if (errno != ENOENT) {
		rc = bk_err_errno(eb, "stat", path);
		bk_target_close(t);
		return rc;
	}
	return 0;
}

void
bk_target_close(struct bk_target *t)
{
	if (t->dirfd >= 0)
		close(t->dirfd);
	free(t->real);          /* realpath() or strdup(): libc memory */
	bk_free(t->base);
	t->real = NULL;
	t->base = NULL;
	t->dirfd = -1;
}

int
bk_target_check(struct bk_errbuf *eb, const struct bk_target *t, unsigned flags)
{
	const struct stat *st = &t->st;

	if (!t->exists)
		return 0;
	if (S_ISLNK(st->st_mode))
		return bk_error_at(eb, t->name, BK_EINVAL, "a symbolic link; left alone");
	if (!S_ISREG(st->st_mode))
		return bk_error_at(eb, t->name, BK_EINVAL, "not a regular file");
	if (flags & (BK_SAFE_FORCE | BK_SAFE_SIDECAR))
		return 0;
	/* Root may write anything: the mode bits say what the owner meant. */
	if ((st->st_mode & 0222) == 0)
		return bk_error_at(eb, t->name, BK_EREADONLY,
				   "file is read-only (use --force to replace it)");
	/* Writing the folder is not owning the file (the owner is kept). */
	if (faccessat(t->dirfd, t->base, W_OK, AT_EACCESS) < 0)
		return bk_error_at(eb, t->name, BK_EREADONLY,
				   "file is not writable by this user (use --force "
			      "to replace it)");
	if (st->st_nlink > 1)
		return bk_error_at(eb, t->name, BK_EREADONLY,
				   "file has %lu other hard links, which would keep "
			      "the old content (use --force to replace this name only)",
			      (unsigned long)st->st_nlink - 1);
	return 0;
}

/* ---- clean-up on a signal ------------------------------------------------------- */

#define BK_TEMP_SLOTS 32

static struct {
	volatile sig_atomic_t used;
	int dirfd;
	char name[320];
} slots[BK_TEMP_SLOTS];

static const int clean_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction old_act[3];
static int installed;

static void
on_signal(int sig)
{
	int e = errno, i;

	for (i = 0; i < BK_TEMP_SLOTS; i++)
		if (slots[i].used)
			unlinkat(slots[i].dirfd, slots[i].name, 0);
	for (i = 0; i < 3; i++) {
		if (clean_sigs[i] != sig)
			continue;
		/* Another handler (another library's copy of this one, or the
		 * program's) gets the signal next; else the default kills us once
		 * this handler returns, the signal being blocked until then. */
		if (old_act[i].sa_handler != SIG_DFL && old_act[i].sa_handler != SIG_IGN &&
		    !(old_act[i].sa_flags & SA_SIGINFO)) {
			old_act[i].sa_handler(sig);
		} else {
			sigaction(sig, &old_act[i], NULL);
			raise(sig);
		}
	}
	errno = e;
}

static void
install_handlers(void)
{
	struct sigaction sa;
	int i;

	if (__atomic_exchange_n(&installed, 1, __ATOMIC_SEQ_CST))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++) {
		if (sigaction(clean_sigs[i], NULL, &old_act[i]) < 0 ||
		    old_act[i].sa_handler == SIG_IGN)
			continue;   /* an ignored signal kills nobody: nothing to clean */
		sigaction(clean_sigs[i], &sa, NULL);
	}
}

static int
slot_take(int dirfd, const char *name)
{
	int i;

	install_handlers();
	for (i = 0; i < BK_TEMP_SLOTS; i++) {
		sig_atomic_t expect = 0;
		if (!__atomic_compare_exchange_n(&slots[i].used, &expect, 2, false,
						 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			continue;
		/* 2 = being filled: the handler only acts on 1. */
		slots[i].dirfd = dirfd;
		snprintf(slots[i].name, sizeof(slots[i].name), "%s", name);
		__atomic_store_n(&slots[i].used, 1, __ATOMIC_SEQ_CST);
		return i;
	}
	return -1;      /* full: the next run's sweep will find it */
}

static void
slot_drop(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&slots[slot].used, 0, __ATOMIC_SEQ_CST);
}

/* ---- temporaries --------------------------------------------------------------- */

/* The new file must be the old one's in everything but content. */
static int
copy_attrs(struct bk_errbuf *eb, const struct bk_target *t, int fd, mode_t mode,
	   const struct stat *like)
{
	const struct stat *st = like ? like : &t->st;
	mode_t um;

	if (!like && !t->exists) {
		um = umask(0);
		umask(um);
		if (fchmod(fd, mode & ~um & 07777) < 0)
			return bk_err_errno(eb, "set the mode of the new", t->name);
		return 0;
	}
	if ((st->st_uid != geteuid() || st->st_gid != getegid()) &&
	    fchown(fd, st->st_uid, st->st_gid) < 0)
		return bk_error_at(eb, t->name, BK_EREADONLY,
				   "owned by %lu:%lu; the new file could not "
			      "keep that owner and group (%s)", (unsigned long)st->st_uid,
			      (unsigned long)st->st_gid, strerror(errno));
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return bk_err_errno(eb, "set the mode of the new", t->name);
	return 0;
}

int
bk_temp_create(struct bk_errbuf *eb, const struct bk_target *t, const char *suffix,
	       mode_t mode, const struct stat *like, struct bk_temp *tmp)
{
	uint64_t r;
	int attempt, rc;

	tmp->fd = -1;
	tmp->dirfd = t->dirfd;
	tmp->slot = -1;
	for (attempt = 0; attempt < 16 && tmp->fd < 0; attempt++) {
		/* Unpredictable: nobody can plant a file under the name in advance. */
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
			r = (uint64_t)rand() << 32 ^ (uint64_t)(uintptr_t)tmp ^ (uint64_t)attempt;
		if ((size_t)snprintf(tmp->name, sizeof(tmp->name), "%s%s.tmp%ld.%012llx", t->base,
				     suffix ? suffix : "", (long)getpid(),
				     (unsigned long long)(r & 0xFFFFFFFFFFFFull)) >= sizeof(tmp->name))
			return bk_error_at(eb, t->name, BK_EINVAL, "name too long");
		tmp->fd = bk_io->openat(t->dirfd, tmp->name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);
		if (tmp->fd < 0 && errno != EEXIST)
			break;
	}
	if (tmp->fd < 0)
		return bk_error_at(eb, t->name, errno == ENOMEM ? BK_ENOMEM : BK_EIO,
				   "cannot create a "
			      "temporary file beside it: %s", strerror(errno));
	tmp->slot = slot_take(t->dirfd, tmp->name);
	/* Locked while we live: the sweep of another run leaves it alone. */
	if (flock(tmp->fd, LOCK_EX | LOCK_NB) < 0)
		rc = bk_err_errno(eb, "lock the temporary file of", t->name);
	else
		rc = copy_attrs(eb, t, tmp->fd, mode, like);
	if (rc < 0)
		bk_temp_discard(tmp);
	return rc;
}

void
bk_temp_discard(struct bk_temp *tmp)
{
	if (tmp->fd >= 0) {
		bk_io->unlinkat(tmp->dirfd, tmp->name, 0);
		bk_io->close(tmp->fd);
	}
	slot_drop(tmp->slot);
	tmp->slot = -1;
	tmp->fd = -1;
}

void
bk_temp_forget(struct bk_temp *tmp)
{
	slot_drop(tmp->slot);
	tmp->slot = -1;
}

int
bk_temp_commit(struct bk_errbuf *eb, struct bk_temp *tmp, const struct bk_target *t,
	       const char *dest, bool keep_fd)
{
	int fd = tmp->fd, rc = 0;

	tmp->renamed = false;
	if (bk_io->fsync(fd) < 0)
		rc = bk_err_errno(eb, "fsync the new", t->name);
	else if (!keep_fd && (tmp->fd = -1, bk_io->close(fd) < 0))
		rc = bk_err_errno(eb, "close the new", t->name);
	else if (bk_io->renameat(tmp->dirfd, tmp->name, tmp->dirfd, dest ? dest : t->base) < 0)
		rc = bk_err_errno(eb, "rename the new file over", t->name);
	if (rc < 0) {
		bk_io->unlinkat(tmp->dirfd, tmp->name, 0);
		if (!keep_fd && tmp->fd >= 0)
			bk_io->close(tmp->fd);
		if (!keep_fd)
			tmp->fd = -1;
		bk_temp_forget(tmp);
		return rc;
	}
	bk_temp_forget(tmp);
	tmp->renamed = true;
	if (bk_io->fsync(tmp->dirfd) < 0)
		return bk_err_errno(eb, "sync the folder of", t->name);
	return 0;
}

/* ---- leftovers of dead writers -------------------------------------------------- */

/* "BASE....tmpPID.HEX": the PID, or 0 if name is not one of ours. */
static long
temp_pid(const char *base, const char *name)
{
	size_t n = strlen(base), k;
	const char *t, *p;
	char *end;
	long pid;

	if (strncmp(name, base, n) != 0 || !(t = strrchr(name + n, '.')) || t == name + n)
		return 0;
	for (k = 1; t[k]; k++)
		if (!strchr("0123456789abcdef", t[k]))
			return 0;
	if (k < 2 || k > 17)
		return 0;
	for (p = t - 1; p > name + n && *p >= '0' && *p <= '9'; p--)
		;
	if (p - 3 < name + n || strncmp(p - 3, ".tmp", 4) != 0 || p + 1 == t)
		return 0;
	pid = strtol(p + 1, &end, 10);
	return end == t ? pid : 0;
}

static bool
writer_alive(long pid)
{
	return pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Remove one leftover if nobody holds it; true if removed. */
static bool
remove_dead(int dirfd, const char *name)
{
	struct stat a, b;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	bool gone = false;

	if (fd < 0)
		return false;
	if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		gone = unlinkat(dirfd, name, 0) == 0;
	close(fd);
	return gone;
}

int
bk_temp_sweep(const struct bk_target *t)
{
	int fd = dup(t->dirfd), n = 0;
	struct dirent *de;
	DIR *d;
	long pid;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		pid = temp_pid(t->base, de->d_name);
		if (pid > 0 && !writer_alive(pid) && remove_dead(t->dirfd, de->d_name))
			n++;
	}
	closedir(d);
	return n;
}

/* ---- logs and backups beside the target ------------------------------------------ */

int
bk_open_beside(struct bk_errbuf *eb, const struct bk_target *t, const char *name,
	       const char *shown, int flags)
{
	struct stat st;
	int fd = bk_io->openat(t->dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return errno == ELOOP
		       ? bk_error_at(eb, shown, BK_EINVAL, "a symbolic link; left alone")
		       : bk_err_errno(eb, "open", shown);
	if (fstat(fd, &st) < 0)
		rc = bk_err_errno(eb, "stat", shown);
	else if (!S_ISREG(st.st_mode))
		rc = bk_error_at(eb, shown, BK_EINVAL, "not a regular file; left alone");
	else if ((flags & O_ACCMODE) != O_RDONLY && st.st_nlink > 1)
		rc = bk_error_at(eb, shown, BK_EINVAL, "has other hard links; left alone");
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = bk_err_errno(eb, "fcntl", shown);
	if (rc < 0) {
		bk_io->close(fd);
		return rc;
	}
	return fd;
}
