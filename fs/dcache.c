/*
 * The dentry cache (Linux: fs/dcache.c). Every name the kernel has looked
 * up stays here, found by (parent, name) in a hash table, so walking a
 * path a second time asks no file system anything. A dentry whose last
 * reference goes stays cached (it is "unused"); only an unhashed one -
 * dropped, or its file system going away - is freed at once.
 *
 * Negative dentries (d_inode NULL) remember names that do not exist, so
 * that a failing lookup (a PATH search) is as cheap as a hit.
 *
 * One CPU, and no dentry is changed from an interrupt: a plain count and
 * lists are enough; directory changes hold the parent's inode_lock.
 */
#include "fs/fs.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/slab.h"

#define D_HASH_BITS 10
#define D_HASH_SIZE (1u << D_HASH_BITS)

static struct list_head dentry_hashtable[D_HASH_SIZE];
static struct list_head dentry_unused = LIST_HEAD_INIT(dentry_unused);
static struct kmem_cache dentry_cache; /* "dentry" in slabinfo, as Linux's */

/* Linux's hash differs; any good mix of the bytes serves. (FNV-1a.) */
unsigned int full_name_hash(const char *name, unsigned int len)
{
	unsigned int h = 2166136261u;

	for (unsigned int i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static struct list_head *d_hash(const struct dentry *parent, unsigned int hash)
{
	unsigned long key = hash ^ ((unsigned long)parent >> 4);

	return &dentry_hashtable[(key ^ (key >> D_HASH_BITS)) & (D_HASH_SIZE - 1)];
}

void dcache_init(void)
{
	for (unsigned int i = 0; i < D_HASH_SIZE; i++)
		INIT_LIST_HEAD(&dentry_hashtable[i]);
	kmem_cache_init(&dentry_cache, "dentry", sizeof(struct dentry));
}

static struct dentry *__d_alloc(struct super_block *sb, const struct qstr *name)
{
	struct dentry *d = kmem_cache_alloc(&dentry_cache);

	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	char *copy = d->d_iname;
	if (name->len >= DNAME_INLINE_LEN) {
		copy = kmalloc(name->len + 1);
		if (!copy) {
			kmem_cache_free(&dentry_cache, d);
			return NULL;
		}
	}
	memcpy(copy, name->name, name->len);
	copy[name->len] = '\0';
	d->d_name = (struct qstr){ copy, name->len, full_name_hash(copy, name->len) };
	d->d_count = 1;
	d->d_sb = sb;
	d->d_parent = d;
	INIT_LIST_HEAD(&d->d_hash);
	INIT_LIST_HEAD(&d->d_child);
	INIT_LIST_HEAD(&d->d_subdirs);
	INIT_LIST_HEAD(&d->d_lru);
	return d;
}

struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = __d_alloc(parent->d_sb, name);

	if (!d)
		return NULL;
	d->d_parent = dget(parent);
	list_add_tail(&d->d_child, &parent->d_subdirs);
	return d;
}

struct dentry *d_alloc_name(struct dentry *parent, const char *name)
{
	struct qstr q = { name, (unsigned int)strlen(name), 0 };

	return d_alloc(parent, &q);
}

struct dentry *d_make_root(struct inode *root_inode)
{
	static const struct qstr slash = { "/", 1, 0 };

	if (!root_inode)
		return NULL;
	struct dentry *d = __d_alloc(root_inode->i_sb, &slash);
	if (!d) {
		iput(root_inode);
		return NULL;
	}
	d->d_inode = root_inode;
	return d;
}

static void d_rehash(struct dentry *d)
{
	list_del(&d->d_hash);
	list_add(&d->d_hash, d_hash(d->d_parent, d->d_name.hash));
}

void d_add(struct dentry *dentry, struct inode *inode)
{
	dentry->d_inode = inode;
	d_rehash(dentry);
}

void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	dentry->d_inode = inode;
}

struct dentry *dget(struct dentry *dentry)
{
	if (dentry) {
		if (dentry->d_count++ == 0)
			list_del(&dentry->d_lru);
	}
	return dentry;
}

static bool d_unhashed(const struct dentry *d)
{
	return list_empty(&d->d_hash);
}

/* Free d (unused, unhashed) and drop what it held; returns its parent,
 * whose reference the caller now drops, or NULL at a root. */
static struct dentry *dentry_kill(struct dentry *d)
{
	struct dentry *parent = d->d_parent == d ? NULL : d->d_parent;

	list_del(&d->d_lru);
	list_del(&d->d_child);
	if (d->d_inode)
		iput(d->d_inode);
	if (d->d_name.name != d->d_iname)
		kfree((void *)d->d_name.name);
	kmem_cache_free(&dentry_cache, d);
	return parent;
}

void dput(struct dentry *dentry)
{
	while (dentry) {
		if (--dentry->d_count > 0)
			return;
		if (!d_unhashed(dentry) && dentry->d_parent != dentry) {
			list_add_tail(&dentry->d_lru, &dentry_unused);
			return; /* stays cached */
		}
		dentry = dentry_kill(dentry);
	}
}

void d_drop(struct dentry *dentry)
{
	list_del(&dentry->d_hash);
}

void d_delete(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	/* Someone else still holds it (an open file): it keeps its inode,
	 * but no lookup may find it again. */
	if (dentry->d_count > 1) {
		d_drop(dentry);
		dentry->d_flags |= DCACHE_DISCONNECTED;
		return;
	}
	dentry->d_inode = NULL; /* a negative dentry now */
	if (inode)
		iput(inode);
}

struct dentry *d_lookup(struct dentry *parent, const struct qstr *name)
{
	unsigned int hash = full_name_hash(name->name, name->len);
	struct list_head *bucket = d_hash(parent, hash);

	for (struct list_head *e = bucket->next; e != bucket; e = e->next) {
		struct dentry *d = list_entry(e, struct dentry, d_hash);
		if (d->d_parent == parent && d->d_name.hash == hash &&
		    d->d_name.len == name->len && !memcmp(d->d_name.name, name->name, name->len))
			return dget(d);
	}
	return NULL;
}

/* Give d a new name (copied) under a new parent: rename. */
int d_move(struct dentry *d, struct dentry *new_parent, const struct qstr *name)
{
	char *copy = d->d_iname;

	if (name->len >= DNAME_INLINE_LEN) {
		copy = kmalloc(name->len + 1);
		if (!copy)
			return -ENOMEM;
	}
	if (d->d_name.name != d->d_iname)
		kfree((void *)d->d_name.name);
	memmove(copy, name->name, name->len);
	copy[name->len] = '\0';
	d->d_name = (struct qstr){ copy, name->len, full_name_hash(copy, name->len) };
	struct dentry *old_parent = d->d_parent;
	list_del(&d->d_child);
	list_add_tail(&d->d_child, &new_parent->d_subdirs);
	d->d_parent = dget(new_parent);
	d_rehash(d);
	dput(old_parent);
	return 0;
}

void shrink_dcache_parent(struct dentry *parent)
{
	for (struct list_head *e = parent->d_subdirs.next; e != &parent->d_subdirs;) {
		struct dentry *d = list_entry(e, struct dentry, d_child);
		e = e->next;
		if (d->d_count || !list_empty(&d->d_subdirs))
			continue;
		d_drop(d);
		dget(d);
		dput(d); /* unhashed and unused: freed, and its reference on parent goes */
	}
}

/* Drop every unused dentry of sb (umount), children before parents. */
void shrink_dcache_sb(struct super_block *sb)
{
	bool freed;

	do {
		freed = false;
		for (struct list_head *e = dentry_unused.next; e != &dentry_unused;) {
			struct dentry *d = list_entry(e, struct dentry, d_lru);
			e = e->next;
			if (d->d_sb != sb || !list_empty(&d->d_subdirs))
				continue;
			d_drop(d);
			dget(d);
			dput(d);
			freed = true;
			e = dentry_unused.next; /* the parent may have gone too */
		}
	} while (freed);
}
