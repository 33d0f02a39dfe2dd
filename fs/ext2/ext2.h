/*
 * ext2 (Linux: fs/ext2/ext2.h, include/linux/ext2_fs.h): the layout on the
 * disk and the file system's in-memory objects.
 *
 * The disk is an array of blocks (4096 bytes here; other sizes are
 * refused at mount). The superblock sits at byte 1024, inside block 0.
 * The blocks after it are cut into block groups of s_blocks_per_group
 * blocks; the group descriptor table (block 1 on) says, for each group,
 * where its block bitmap, inode bitmap and inode table are. An inode
 * number n lives in group (n - 1) / s_inodes_per_group. An inode holds 15
 * block numbers: 12 direct ones, then the roots of a single, a double and
 * a triple indirect tree, whose blocks are arrays of 1024 block numbers.
 * A directory is a file of variable-length entries (inode, rec_len,
 * name_len, file_type, name) that tile each block.
 *
 * Every field on the disk is little-endian, which x86 is, so the
 * structures are read and written in place.
 */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include "block/blkdev.h"
#include "fs/ext2/ext2_fs.h"
#include "fs/buffer_head.h"
#include "fs/fs.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "lib/types.h"

struct page;

#define EFSCORRUPTED EUCLEAN /* Linux's name for "the disk says nonsense" */
#ifndef ESTALE
#define ESTALE 116 /* only between ext2_iget and ext2_lookup */
#endif

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SUPER_OFFSET 1024   /* bytes into the disk */
#define EXT2_BLOCK_SIZE 4096     /* the only size mounted here */
#define EXT2_BLOCK_SIZE_BITS 12
#define EXT2_ADDR_PER_BLOCK (EXT2_BLOCK_SIZE / 4)
#define EXT2_ADDR_PER_BLOCK_BITS 10

/* Reserved inode numbers. */
#define EXT2_BAD_INO 1
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128

#define EXT2_GOOD_OLD_REV 0 /* fixed inode size, no features */
#define EXT2_DYNAMIC_REV 1

#define EXT2_LINK_MAX 32000
#define EXT2_DFL_MAX_MNT_COUNT 20 /* mounts between checks, if the disk says 0 */
#define EXT2_NAME_LEN 255

/* s_state */
#define EXT2_VALID_FS 1 /* cleanly unmounted */
#define EXT2_ERROR_FS 2 /* errors were detected */

/* s_errors: what to do on an error. Only the default, continue, is done. */
#define EXT2_ERRORS_CONTINUE 1

/* Features. A COMPAT feature may be ignored; an RO_COMPAT one may be
 * ignored only when reading; an INCOMPAT one not at all. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INO 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001 /* backups in groups 0, 1, 3^n, 5^n, 7^n */
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002   /* i_size_high used */
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004
#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002      /* file_type in directory entries */
#define EXT3_FEATURE_INCOMPAT_RECOVER 0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010

/* What this driver handles. META_BG (Linux supports it) is refused: its
 * descriptor blocks are scattered over the disk. */
#define EXT2_FEATURE_INCOMPAT_SUPP EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_FEATURE_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
				     EXT2_FEATURE_RO_COMPAT_LARGE_FILE | \
				     EXT2_FEATURE_RO_COMPAT_BTREE_DIR)

/* The superblock: 1024 bytes at byte 1024 of the disk. */
struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;    /* reserved for root */
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;  /* the block holding the superblock: 0 with 4 KiB blocks */
	uint32_t s_log_block_size;    /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;             /* last mount */
	uint32_t s_wtime;             /* last write */
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;             /* EXT2_VALID_FS, EXT2_ERROR_FS */
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only: */
	uint32_t s_first_ino;         /* first inode for files */
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;    /* the group of this copy */
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_padding1;
	uint8_t s_journal_uuid[16];   /* ext3 */
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_reserved_char_pad;
	uint16_t s_reserved_word_pad;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_reserved[190];
};

_Static_assert(sizeof(struct ext2_super_block) == 1024, "the superblock is 1024 bytes");

/* One group's descriptor: 32 bytes, 128 to a block. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;      /* first block of s_inodes_per_group inodes */
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint32_t bg_reserved[3];
};

_Static_assert(sizeof(struct ext2_group_desc) == 32, "a group descriptor is 32 bytes");

#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15

/* An inode on the disk: the first 128 bytes of each s_inode_size slot. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;               /* low 16 bits */
	uint32_t i_size;              /* low 32 bits */
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;             /* deleted at; 0 while in use */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks;            /* 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_reserved1;
	uint32_t i_block[EXT2_N_BLOCKS]; /* block map; a fast symlink's target; a device number */
	uint32_t i_generation;
	uint32_t i_file_acl;          /* extended attribute block */
	uint32_t i_size_high;         /* regular files: high 32 bits of the size */
	uint32_t i_faddr;
	uint8_t l_i_frag;
	uint8_t l_i_fsize;
	uint16_t i_pad1;
	uint16_t l_i_uid_high;
	uint16_t l_i_gid_high;
	uint32_t l_i_reserved2;
};

_Static_assert(sizeof(struct ext2_inode) == 128, "the old inode is 128 bytes");

/* i_flags bits that matter here. */
#define EXT2_INDEX_FL 0x00001000 /* hashed directory (ext3's htree) */

/* A directory entry. rec_len reaches to the next entry (the last one of a
 * block to the block's end); the name is not NUL-terminated. */
struct ext2_dir_entry_2 {
	uint32_t inode;               /* 0: unused */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;            /* EXT2_FT_* */
	char name[];
};

#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7
#define EXT2_FT_MAX 8

/* The room an entry with a name of name_len bytes needs: 8 bytes of
 * header, the name, rounded up to 4. */
#define EXT2_DIR_PAD 4
#define EXT2_DIR_REC_LEN(name_len) (((name_len) + 8 + EXT2_DIR_PAD - 1) & ~(EXT2_DIR_PAD - 1))

/* ---- in memory ---------------------------------------------------- */

/* One mounted ext2 (sb->s_fs_info). */
struct ext2_sb_info {
	struct page *s_sbh;           /* block 0, held: the superblock is in it */
	struct ext2_super_block *s_es; /* points into s_sbh */
	struct page **s_group_desc;   /* the descriptor blocks, held */
	unsigned long s_gdb_count;    /* how many */
	unsigned long s_groups_count;
	unsigned long s_desc_per_block;
	unsigned long s_blocks_per_group;
	unsigned long s_inodes_per_group;
	unsigned long s_inodes_per_block;
	unsigned long s_itb_per_group; /* inode table blocks per group */
	unsigned int s_inode_size;
	unsigned int s_first_ino;
	uint16_t s_mount_state;       /* s_state at mount, written back at umount */
	unsigned long s_dir_count;    /* directories, for spreading new ones */
	uint64_t s_overhead;          /* metadata blocks, for statfs */
	struct mutex s_lock;          /* bitmaps, descriptors and free counts */
};

static inline struct ext2_sb_info *EXT2_SB(const struct super_block *sb)
{
	return sb->s_fs_info;
}

/* One ext2 inode in memory: the VFS inode and what only ext2 knows. */
struct ext2_inode_info {
	uint32_t i_data[EXT2_N_BLOCKS]; /* the block map (guarded by truncate_mutex) */
	uint32_t i_flags;
	uint32_t i_faddr;
	uint32_t i_file_acl;
	uint32_t i_dir_acl;           /* i_size_high of a non-regular file, kept as read */
	uint32_t i_dtime;
	unsigned int i_block_group;   /* the group of the inode: new blocks go near */
	unsigned long i_dir_start_lookup; /* directory block where the last lookup hit */
	bool i_new;                   /* never written: clear the whole slot first */
	bool i_loaded;                /* read or made completely: eviction may free it */
	struct mutex truncate_mutex;  /* block map changes: get_block against truncate */
	struct inode vfs_inode;
};

static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs_inode);
}

static inline bool ext2_has_ro_compat(struct super_block *sb, uint32_t mask)
{
	return EXT2_SB(sb)->s_es->s_feature_ro_compat & mask;
}

static inline bool ext2_has_incompat(struct super_block *sb, uint32_t mask)
{
	return EXT2_SB(sb)->s_es->s_feature_incompat & mask;
}

/* Bitmaps on the disk: bit i is bit i % 8 of byte i / 8. */
static inline bool ext2_test_bit(unsigned long nr, const void *map)
{
	return ((const uint8_t *)map)[nr / 8] & (1u << (nr % 8));
}

static inline void ext2_set_bit(unsigned long nr, void *map)
{
	((uint8_t *)map)[nr / 8] |= 1u << (nr % 8);
}

static inline void ext2_clear_bit(unsigned long nr, void *map)
{
	((uint8_t *)map)[nr / 8] &= ~(1u << (nr % 8));
}

/* ---- between the files -------------------------------------------- */

/* super.c */
void ext2_msg(struct super_block *sb, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ext2_error(struct super_block *sb, const char *function, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ext2_fill_super(struct super_block *sb, void *data, int silent);
void ext2_sync_super(struct super_block *sb, bool wait);
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, unsigned int group,
					    struct page **page);
bool ext2_bg_has_super(struct super_block *sb, unsigned int group);
unsigned long ext2_bg_num_gdb(struct super_block *sb, unsigned int group);
extern struct file_system_type ext2_fs_type;

/* balloc.c */
uint32_t ext2_new_block(struct inode *inode, uint32_t goal, int *err);
void ext2_free_blocks(struct inode *inode, uint32_t block, unsigned long count);
unsigned long ext2_count_free_blocks(struct super_block *sb);
unsigned long ext2_find_next_zero_bit(const void *map, unsigned long size, unsigned long from);

/* ialloc.c */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);
unsigned long ext2_count_free_inodes(struct super_block *sb);
unsigned long ext2_count_dirs(struct super_block *sb);

/* inode.c */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino);
int ext2_write_inode(struct inode *inode, struct writeback_control *wbc);
int __ext2_write_inode(struct inode *inode, bool sync);
void ext2_evict_inode(struct inode *inode);
int ext2_get_block(struct inode *inode, uint64_t iblock, uint64_t *pblock, bool create);
void ext2_truncate_blocks(struct inode *inode, loff_t offset);
int ext2_setattr(struct dentry *dentry, struct iattr *attr);
void ext2_set_inode_ops(struct inode *inode);
bool ext2_inode_is_fast_symlink(struct inode *inode);
struct page *ext2_bread(struct inode *inode, uint64_t iblock, bool create, int *err);
loff_t ext2_max_size(void);

/* dir.c */
struct ext2_dir_entry_2 *ext2_find_entry(struct inode *dir, const struct qstr *name,
					 struct page **page);
int ext2_inode_by_name(struct inode *dir, const struct qstr *name, unsigned long *ino);
int ext2_add_link(struct dentry *dentry, struct inode *inode);
int ext2_delete_entry(struct inode *dir, struct ext2_dir_entry_2 *de, struct page *page);
int ext2_make_empty(struct inode *inode, struct inode *parent);
bool ext2_empty_dir(struct inode *inode);
struct ext2_dir_entry_2 *ext2_dotdot(struct inode *dir, struct page **page);
void ext2_set_link(struct inode *dir, struct ext2_dir_entry_2 *de, struct page *page,
		   struct inode *inode, bool update_times);
extern const struct file_operations ext2_dir_operations;

/* namei.c */
extern const struct inode_operations ext2_dir_inode_operations;
extern const struct inode_operations ext2_special_inode_operations;

/* symlink.c */
extern const struct inode_operations ext2_symlink_inode_operations;

/* xattr.c */
void ext2_xattr_delete_inode(struct inode *inode);

/* file.c */
extern const struct inode_operations ext2_file_inode_operations;
extern const struct file_operations ext2_file_operations;
int ext2_fsync(struct file *f, loff_t start, loff_t end, int datasync);
extern const struct address_space_operations ext2_aops;

#endif
