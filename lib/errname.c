/* The error numbers' names and descriptions (lib/errname.h). */
#include "lib/errname.h"
#include "kernel/errno.h"
#include "lib/types.h"

struct err_text {
	const char *name, *desc;
};

/* The C library's wording (glibc's strerror). */
static const struct err_text errors[] = {
	[EPERM] = { "EPERM", "Operation not permitted" },
	[ENOENT] = { "ENOENT", "No such file or directory" },
	[EIO] = { "EIO", "Input/output error" },
	[ENXIO] = { "ENXIO", "No such device or address" },
	[ENOEXEC] = { "ENOEXEC", "Exec format error" },
	[EBADF] = { "EBADF", "Bad file descriptor" },
	[EAGAIN] = { "EAGAIN", "Resource temporarily unavailable" },
	[ENOMEM] = { "ENOMEM", "Cannot allocate memory" },
	[EACCES] = { "EACCES", "Permission denied" },
	[EFAULT] = { "EFAULT", "Bad address" },
	[EBUSY] = { "EBUSY", "Device or resource busy" },
	[EEXIST] = { "EEXIST", "File exists" },
	[EXDEV] = { "EXDEV", "Invalid cross-device link" },
	[ENODEV] = { "ENODEV", "No such device" },
	[ENOTDIR] = { "ENOTDIR", "Not a directory" },
	[EISDIR] = { "EISDIR", "Is a directory" },
	[EINVAL] = { "EINVAL", "Invalid argument" },
	[EFBIG] = { "EFBIG", "File too large" },
	[ENOSPC] = { "ENOSPC", "No space left on device" },
	[EROFS] = { "EROFS", "Read-only file system" },
	[ENAMETOOLONG] = { "ENAMETOOLONG", "File name too long" },
	[ENOTEMPTY] = { "ENOTEMPTY", "Directory not empty" },
	[ELOOP] = { "ELOOP", "Too many levels of symbolic links" },
	[EUCLEAN] = { "EUCLEAN", "Structure needs cleaning" },
};

static const struct err_text *lookup(int err)
{
	if (err < 0)
		err = -err;
	if ((size_t)err >= ARRAY_SIZE(errors) || !errors[err].name)
		return NULL;
	return &errors[err];
}

const char *errname(int err)
{
	const struct err_text *t = lookup(err);

	return t ? t->name : NULL;
}

const char *errdesc(int err)
{
	const struct err_text *t = lookup(err);

	return t ? t->desc : "Unknown error";
}
