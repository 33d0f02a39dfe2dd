/*
 * ext2 directories (Linux: fs/ext2/dir.c). A directory's blocks are
 * tiled by entries: inode, rec_len (to the next entry), name_len,
 * file_type, the name. Deleting an entry merges it into the one before
 * (or, first in its block, just zeroes its inode); adding one takes the
 * slack at the end of an entry that is longer than its name needs, or a
 * new block at the end. Every block starts with an entry and the last
 * entry of a block reaches its end, so a scan never crosses blocks.
 *
 * Directory blocks are metadata: they are read through the device's
 * cache (ext2_bread), as ext4 does, not through the directory's own page
 * cache as Linux's ext2 does.
 */
#include "fs/ext2/ext2.h"

#include "fs/file.h"
#include "fs/stat.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/page.h"

static struct ext2_dir_entry_2 *ext2_next_entry(struct ext2_dir_entry_2 *de)
{
	return (struct ext2_dir_entry_2 *)((char *)de + de->rec_len);
}

static unsigned long ext2_dir_blocks(struct inode *dir)
{
	return (i_size_read(dir) + EXT2_BLOCK_SIZE - 1) >> EXT2_BLOCK_SIZE_BITS;
}

/* The last place an entry can start in a block. */
static char *ext2_last_entry(struct page *page)
{
	return (char *)page_address(page) + EXT2_BLOCK_SIZE - EXT2_DIR_REC_LEN(1);
}

/* Every entry of block n must be well formed before anything walks it
 * (Linux: ext2_check_page). */
static bool ext2_check_block(struct inode *dir, struct page *page, uint64_t n)
{
	struct super_block *sb = dir->i_sb;
	char *kaddr = page_address(page);
	const char *error = NULL;
	struct ext2_dir_entry_2 *de = NULL;
	unsigned int offs;

	for (offs = 0; offs <= EXT2_BLOCK_SIZE - EXT2_DIR_REC_LEN(1); offs += de->rec_len) {
		de = (struct ext2_dir_entry_2 *)(kaddr + offs);
		if (de->rec_len < EXT2_DIR_REC_LEN(1))
			error = "rec_len is smaller than minimal";
		else if (de->rec_len % 4)
			error = "unaligned directory entry";
		else if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
			error = "rec_len is too small for name_len";
		else if (offs + de->rec_len > EXT2_BLOCK_SIZE)
			error = "directory entry across blocks";
		else if (de->inode > EXT2_SB(sb)->s_es->s_inodes_count)
			error = "inode out of bounds";
		if (error)
			break;
	}
	if (!error && offs != EXT2_BLOCK_SIZE)
		error = "entry does not reach the end of its block";
	if (!error)
		return true;
	ext2_error(sb, "ext2_check_block",
		   "bad entry in directory #%lu: : %s - offset=%llu, inode=%u, rec_len=%u, name_len=%u",
		   dir->i_ino, error, (unsigned long long)(n << EXT2_BLOCK_SIZE_BITS) + offs,
		   de ? de->inode : 0, de ? de->rec_len : 0, de ? de->name_len : 0);
	return false;
}

/* Block n of dir, checked and held; ERR_PTR on error. */
static struct page *ext2_get_dir_block(struct inode *dir, uint64_t n)
{
	struct page *page;
	int err;

	page = ext2_bread(dir, n, false, &err);
	if (err)
		return ERR_PTR(err);
	if (!page) {
		ext2_error(dir->i_sb, __func__, "directory #%lu has a hole at block %llu", dir->i_ino,
			   (unsigned long long)n);
		return ERR_PTR(-EFSCORRUPTED);
	}
	if (!ext2_check_block(dir, page, n)) {
		brelse(page);
		return ERR_PTR(-EFSCORRUPTED);
	}
	return page;
}

static bool ext2_match(const struct qstr *name, const struct ext2_dir_entry_2 *de)
{
	return de->inode && name->len == de->name_len && !memcmp(name->name, de->name, name->len);
}

static const uint8_t ext2_type_by_mode[(S_IFMT >> 12) + 1] = {
	[S_IFREG >> 12] = EXT2_FT_REG_FILE, [S_IFDIR >> 12] = EXT2_FT_DIR,
	[S_IFCHR >> 12] = EXT2_FT_CHRDEV,   [S_IFBLK >> 12] = EXT2_FT_BLKDEV,
	[S_IFIFO >> 12] = EXT2_FT_FIFO,     [S_IFSOCK >> 12] = EXT2_FT_SOCK,
	[S_IFLNK >> 12] = EXT2_FT_SYMLINK,
};

static const unsigned char ext2_filetype_table[EXT2_FT_MAX] = {
	DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK,
};

static void ext2_set_de_type(struct super_block *sb, struct ext2_dir_entry_2 *de,
			     struct inode *inode)
{
	de->file_type = ext2_has_incompat(sb, EXT2_FEATURE_INCOMPAT_FILETYPE)
				? ext2_type_by_mode[(inode->i_mode & S_IFMT) >> 12] : 0;
}

/* Name inode in de, whose rec_len is set. */
static void ext2_fill_entry(struct super_block *sb, struct ext2_dir_entry_2 *de, const char *name,
			    unsigned int len, struct inode *inode)
{
	de->name_len = len;
	memcpy(de->name, name, len);
	de->inode = inode->i_ino;
	ext2_set_de_type(sb, de, inode);
}

/* The directory changed: new times, and an htree index (which ext2 does
 * not keep up to date) no longer applies. */
static void ext2_dir_changed(struct inode *dir)
{
	dir->i_mtime = dir->i_ctime = current_time(dir);
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	mark_inode_dirty(dir);
}

/* The entry called name in dir, its block held in *page; ERR_PTR(-ENOENT)
 * if there is none. The search starts at the block of the last hit. */
struct ext2_dir_entry_2 *ext2_find_entry(struct inode *dir, const struct qstr *name,
					 struct page **res_page)
{
	struct ext2_inode_info *ei = EXT2_I(dir);
	unsigned long nblocks = ext2_dir_blocks(dir);
	unsigned long start = ei->i_dir_start_lookup < nblocks ? ei->i_dir_start_lookup : 0;
	unsigned long n = start;

	if (!nblocks)
		return ERR_PTR(-ENOENT);
	do {
		struct page *page = ext2_get_dir_block(dir, n);
		struct ext2_dir_entry_2 *de;

		if (IS_ERR(page))
			return (void *)page;
		for (de = page_address(page); (char *)de <= ext2_last_entry(page);
		     de = ext2_next_entry(de)) {
			if (ext2_match(name, de)) {
				ei->i_dir_start_lookup = n;
				*res_page = page;
				return de;
			}
		}
		brelse(page);
		n = (n + 1) % nblocks;
	} while (n != start);
	return ERR_PTR(-ENOENT);
}

int ext2_inode_by_name(struct inode *dir, const struct qstr *name, unsigned long *ino)
{
	struct page *page;
	struct ext2_dir_entry_2 *de = ext2_find_entry(dir, name, &page);

	if (IS_ERR(de))
		return PTR_ERR(de);
	*ino = de->inode;
	brelse(page);
	return 0;
}

/* Room for an entry of reclen bytes in block page: the entry to use (free,
 * or with slack to split), NULL if none, ERR_PTR(-EEXIST) if name is
 * there. */
static struct ext2_dir_entry_2 *ext2_find_room(struct page *page, const struct qstr *name,
					       unsigned int reclen)
{
	struct ext2_dir_entry_2 *de;

	for (de = page_address(page); (char *)de <= ext2_last_entry(page); de = ext2_next_entry(de)) {
		if (ext2_match(name, de))
			return ERR_PTR(-EEXIST);
		if (!de->inode && de->rec_len >= reclen)
			return de;
		if (de->inode && de->rec_len >= EXT2_DIR_REC_LEN(de->name_len) + reclen)
			return de;
	}
	return NULL;
}

/* A new, empty block at the end of dir: its first entry spans it all. */
static struct page *ext2_append_block(struct inode *dir, int *err)
{
	struct page *page = ext2_bread(dir, ext2_dir_blocks(dir), true, err);
	struct ext2_dir_entry_2 *de;

	if (!page)
		return NULL;
	memset(page_address(page), 0, EXT2_BLOCK_SIZE);
	de = page_address(page);
	de->rec_len = EXT2_BLOCK_SIZE;
	i_size_write(dir, i_size_read(dir) + EXT2_BLOCK_SIZE);
	return page;
}

/* Add the entry dentry -> inode to dentry's directory. */
int ext2_add_link(struct dentry *dentry, struct inode *inode)
{
	struct inode *dir = dentry->d_parent->d_inode;
	const struct qstr *name = &dentry->d_name;
	unsigned int reclen = EXT2_DIR_REC_LEN(name->len);
	unsigned long nblocks = ext2_dir_blocks(dir);
	struct ext2_dir_entry_2 *de = NULL;
	struct page *page = NULL;
	int err = 0;

	if (name->len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (unsigned long n = 0; n < nblocks && !de; n++) {
		page = ext2_get_dir_block(dir, n);
		if (IS_ERR(page))
			return PTR_ERR(page);
		de = ext2_find_room(page, name, reclen);
		if (IS_ERR(de)) {
			brelse(page);
			return PTR_ERR(de);
		}
		if (!de)
			brelse(page);
	}
	if (!de) {
		page = ext2_append_block(dir, &err);
		if (!page)
			return err ? err : -EIO;
		de = page_address(page);
	}
	if (de->inode) {
		struct ext2_dir_entry_2 *de1 =
			(void *)((char *)de + EXT2_DIR_REC_LEN(de->name_len));

		de1->rec_len = de->rec_len - EXT2_DIR_REC_LEN(de->name_len);
		de->rec_len = EXT2_DIR_REC_LEN(de->name_len);
		de = de1;
	}
	ext2_fill_entry(dir->i_sb, de, name->name, name->len, inode);
	mark_buffer_dirty(page);
	brelse(page);
	ext2_dir_changed(dir);
	return 0;
}

/* Remove de (in page, whose reference this takes) from dir. */
int ext2_delete_entry(struct inode *dir, struct ext2_dir_entry_2 *de, struct page *page)
{
	struct ext2_dir_entry_2 *pde = NULL, *p = page_address(page);

	while (p < de) {
		pde = p;
		p = ext2_next_entry(p);
	}
	if (p != de) {
		ext2_error(dir->i_sb, __func__, "entry not found in directory #%lu", dir->i_ino);
		brelse(page);
		return -EFSCORRUPTED;
	}
	if (pde)
		pde->rec_len += de->rec_len;
	de->inode = 0;
	mark_buffer_dirty(page);
	brelse(page);
	ext2_dir_changed(dir);
	return 0;
}

/* A new directory's first block: "." and "..". */
int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	struct ext2_dir_entry_2 *de;
	struct page *page;
	int err;

	page = ext2_append_block(inode, &err);
	if (!page)
		return err ? err : -EIO;
	de = page_address(page);
	de->rec_len = EXT2_DIR_REC_LEN(1);
	ext2_fill_entry(inode->i_sb, de, ".", 1, inode);
	de = ext2_next_entry(de);
	de->rec_len = EXT2_BLOCK_SIZE - EXT2_DIR_REC_LEN(1);
	ext2_fill_entry(inode->i_sb, de, "..", 2, parent);
	mark_buffer_dirty(page);
	brelse(page);
	mark_inode_dirty(inode);
	return 0;
}

static bool ext2_is_dot_or_dotdot(const struct ext2_dir_entry_2 *de)
{
	return de->name[0] == '.' && (de->name_len == 1 || (de->name_len == 2 && de->name[1] == '.'));
}

/* Does the directory hold nothing but "." and ".."? (An unreadable one
 * counts as not empty: rmdir must not free what it cannot see.) */
bool ext2_empty_dir(struct inode *inode)
{
	for (unsigned long n = 0; n < ext2_dir_blocks(inode); n++) {
		struct page *page = ext2_get_dir_block(inode, n);
		struct ext2_dir_entry_2 *de;

		if (IS_ERR(page))
			return false;
		for (de = page_address(page); (char *)de <= ext2_last_entry(page);
		     de = ext2_next_entry(de)) {
			if (de->inode && !ext2_is_dot_or_dotdot(de)) {
				brelse(page);
				return false;
			}
		}
		brelse(page);
	}
	return true;
}

/* The ".." entry of dir (the second of block 0), its block held. */
struct ext2_dir_entry_2 *ext2_dotdot(struct inode *dir, struct page **page)
{
	struct page *p = ext2_get_dir_block(dir, 0);
	struct ext2_dir_entry_2 *de;

	if (IS_ERR(p))
		return NULL;
	de = ext2_next_entry(page_address(p));
	if ((char *)de > ext2_last_entry(p) || de->name_len != 2 || memcmp(de->name, "..", 2)) {
		ext2_error(dir->i_sb, __func__, "no '..' in directory #%lu", dir->i_ino);
		brelse(p);
		return NULL;
	}
	*page = p;
	return de;
}

/* Point de (in page, whose reference this takes) at inode: rename. */
void ext2_set_link(struct inode *dir, struct ext2_dir_entry_2 *de, struct page *page,
		   struct inode *inode, bool update_times)
{
	de->inode = inode->i_ino;
	ext2_set_de_type(dir->i_sb, de, inode);
	mark_buffer_dirty(page);
	brelse(page);
	if (update_times)
		ext2_dir_changed(dir);
}

/* getdents: entries from ctx->pos (a byte offset in the directory) on.
 * After a change the offset may point into an entry, so each block is
 * walked from its start to the first entry at or after it. */
static int ext2_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file->f_inode;
	bool has_type = ext2_has_incompat(inode->i_sb, EXT2_FEATURE_INCOMPAT_FILETYPE);
	unsigned long n = ctx->pos >> EXT2_BLOCK_SIZE_BITS;
	unsigned int offset = ctx->pos & (EXT2_BLOCK_SIZE - 1);

	if (ctx->pos > i_size_read(inode) - EXT2_DIR_REC_LEN(1))
		return 0;
	for (; n < ext2_dir_blocks(inode); n++, offset = 0) {
		struct page *page = ext2_get_dir_block(inode, n);
		char *kaddr;
		struct ext2_dir_entry_2 *de;

		if (IS_ERR(page))
			return PTR_ERR(page);
		kaddr = page_address(page);
		for (de = (void *)kaddr; (char *)de < kaddr + offset; de = ext2_next_entry(de))
			;
		for (; (char *)de <= ext2_last_entry(page); de = ext2_next_entry(de)) {
			loff_t next = ((loff_t)n << EXT2_BLOCK_SIZE_BITS) + ((char *)de - kaddr) + de->rec_len;
			unsigned int type = has_type && de->file_type < EXT2_FT_MAX
						    ? ext2_filetype_table[de->file_type] : DT_UNKNOWN;

			if (de->inode && !ctx->actor(ctx, de->name, de->name_len, next, de->inode, type)) {
				brelse(page);
				return 0;
			}
			ctx->pos = next;
		}
		brelse(page);
	}
	return 0;
}

const struct file_operations ext2_dir_operations = {
	.llseek = generic_file_llseek,
	.read = generic_read_dir,
	.iterate_shared = ext2_readdir,
	.fsync = ext2_fsync,
};
