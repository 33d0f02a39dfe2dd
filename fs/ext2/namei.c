/*
 * ext2's directory operations (Linux: fs/ext2/namei.c): each is a few
 * directory-entry edits (dir.c) and link-count changes. The VFS holds
 * the directories' locks and has checked the names. Link counts: a file
 * has one per name; a directory two (its name and its own ".") plus one
 * per subdirectory (their "..").
 */
#include "fs/ext2/ext2.h"

#include "fs/stat.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/page.h"

static void inode_inc_link_count(struct inode *inode)
{
	inc_nlink(inode);
	mark_inode_dirty(inode);
}

static void inode_dec_link_count(struct inode *inode)
{
	drop_nlink(inode);
	mark_inode_dirty(inode);
}

static struct dentry *ext2_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	struct inode *inode = NULL;
	unsigned long ino;
	int err;

	(void)flags;
	if (dentry->d_name.len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	err = ext2_inode_by_name(dir, &dentry->d_name, &ino);
	if (err && err != -ENOENT)
		return ERR_PTR(err);
	if (!err) {
		inode = ext2_iget(dir->i_sb, ino);
		if (inode == ERR_PTR(-ESTALE)) {
			ext2_error(dir->i_sb, __func__, "deleted inode referenced: %lu", ino);
			return ERR_PTR(-EIO);
		}
		if (IS_ERR(inode))
			return (void *)inode;
	}
	d_add(dentry, inode);
	return NULL;
}

/* Name a non-directory; on failure the link (and the reference) that was
 * taken for it goes again. */
static int ext2_add_nondir(struct dentry *dentry, struct inode *inode)
{
	int err = ext2_add_link(dentry, inode);

	if (err) {
		inode_dec_link_count(inode);
		iput(inode);
		return err;
	}
	d_instantiate(dentry, inode);
	return 0;
}

static int ext2_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	struct inode *inode = ext2_new_inode(dir, S_IFREG | (mode & ~S_IFMT));

	(void)excl;
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	ext2_set_inode_ops(inode);
	return ext2_add_nondir(dentry, inode);
}

static int ext2_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t rdev)
{
	struct inode *inode = ext2_new_inode(dir, mode);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	init_special_inode(inode, inode->i_mode, rdev);
	inode->i_op = &ext2_special_inode_operations;
	mark_inode_dirty(inode);
	return ext2_add_nondir(dentry, inode);
}

/* Targets shorter than i_data (60 bytes, with the NUL) live in the inode:
 * a "fast" symlink. Longer ones get a block. */
static int ext2_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode;
	struct page *page;
	int err;

	if (len + 1 > EXT2_BLOCK_SIZE)
		return -ENAMETOOLONG;
	inode = ext2_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	ext2_set_inode_ops(inode);
	if (len + 1 > sizeof(EXT2_I(inode)->i_data)) {
		page = ext2_bread(inode, 0, true, &err);
		if (!page) {
			inode_dec_link_count(inode);
			iput(inode);
			return err ? err : -EIO;
		}
		memset(page_address(page), 0, EXT2_BLOCK_SIZE);
		memcpy(page_address(page), target, len);
		mark_buffer_dirty(page);
		brelse(page);
	} else {
		memcpy(EXT2_I(inode)->i_data, target, len);
	}
	i_size_write(inode, len);
	mark_inode_dirty(inode);
	return ext2_add_nondir(dentry, inode);
}

static int ext2_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old_dentry->d_inode;

	(void)dir; /* ext2_add_link finds it as dentry's parent */
	if (inode->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode->i_ctime = current_time(inode);
	inode_inc_link_count(inode);
	ihold(inode);
	return ext2_add_nondir(dentry, inode);
}

static int ext2_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct inode *inode;
	int err;

	if (dir->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	inode = ext2_new_inode(dir, S_IFDIR | (mode & ~S_IFMT));
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	ext2_set_inode_ops(inode);
	inode_inc_link_count(inode); /* its "." */
	err = ext2_make_empty(inode, dir);
	if (!err)
		err = ext2_add_link(dentry, inode);
	if (err) {
		clear_nlink(inode);
		mark_inode_dirty(inode);
		iput(inode);
		return err;
	}
	inode_inc_link_count(dir); /* the new ".." */
	d_instantiate(dentry, inode);
	return 0;
}

static int ext2_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	struct ext2_dir_entry_2 *de;
	struct page *page;
	int err;

	de = ext2_find_entry(dir, &dentry->d_name, &page);
	if (IS_ERR(de))
		return PTR_ERR(de);
	err = ext2_delete_entry(dir, de, page);
	if (err)
		return err;
	inode->i_ctime = dir->i_ctime;
	inode_dec_link_count(inode);
	return 0;
}

static int ext2_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	int err;

	if (!ext2_empty_dir(inode))
		return -ENOTEMPTY;
	err = ext2_unlink(dir, dentry);
	if (err)
		return err;
	inode->i_size = 0;
	inode_dec_link_count(inode); /* its "." */
	inode_dec_link_count(dir);   /* its ".." */
	return 0;
}

/* Rename, replacing new_dentry's inode if there is one. A directory that
 * moves gets its ".." repointed, and the link counts of both parents
 * follow. RENAME_EXCHANGE is refused, as by Linux's ext2. */
static int ext2_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		       struct dentry *new_dentry, unsigned int flags)
{
	struct inode *old_inode = old_dentry->d_inode;
	struct inode *new_inode = new_dentry->d_inode;
	struct page *dir_page = NULL, *old_page, *new_page;
	struct ext2_dir_entry_2 *dir_de = NULL, *old_de, *new_de;
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	old_de = ext2_find_entry(old_dir, &old_dentry->d_name, &old_page);
	if (IS_ERR(old_de))
		return PTR_ERR(old_de);
	if (S_ISDIR(old_inode->i_mode)) {
		err = -EIO;
		dir_de = ext2_dotdot(old_inode, &dir_page);
		if (!dir_de)
			goto out_old;
	}
	if (new_inode) {
		err = -ENOTEMPTY;
		if (dir_de && !ext2_empty_dir(new_inode))
			goto out_dir;
		new_de = ext2_find_entry(new_dir, &new_dentry->d_name, &new_page);
		if (IS_ERR(new_de)) {
			err = PTR_ERR(new_de);
			goto out_dir;
		}
		ext2_set_link(new_dir, new_de, new_page, old_inode, true);
		new_inode->i_ctime = current_time(new_inode);
		if (dir_de)
			drop_nlink(new_inode);
		inode_dec_link_count(new_inode);
	} else {
		err = -EMLINK;
		if (dir_de && new_dir != old_dir && new_dir->i_nlink >= EXT2_LINK_MAX)
			goto out_dir;
		err = ext2_add_link(new_dentry, old_inode);
		if (err)
			goto out_dir;
		if (dir_de)
			inode_inc_link_count(new_dir);
	}
	old_inode->i_ctime = current_time(old_inode);
	mark_inode_dirty(old_inode);
	err = ext2_delete_entry(old_dir, old_de, old_page);
	old_page = NULL;
	if (dir_de) {
		if (old_dir != new_dir)
			ext2_set_link(old_inode, dir_de, dir_page, new_dir, false);
		else
			brelse(dir_page);
		dir_page = NULL;
		inode_dec_link_count(old_dir);
	}
out_dir:
	if (dir_page)
		brelse(dir_page);
out_old:
	if (old_page)
		brelse(old_page);
	return err;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.symlink = ext2_symlink,
	.mkdir = ext2_mkdir,
	.rmdir = ext2_rmdir,
	.mknod = ext2_mknod,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct inode_operations ext2_special_inode_operations = {
	.setattr = ext2_setattr,
};
