/*
 * The virtio block driver (virtio 1.x section 5.2; Linux:
 * drivers/block/virtio_blk.c). One virtqueue; each bio becomes one
 * descriptor chain:
 *
 *   header (device reads)  type (IN/OUT/FLUSH), sector
 *   data pieces            one descriptor per bio_vec; the device writes
 *                          them for a read, reads them for a write
 *   status (device writes) one byte: OK, IOERR or UNSUPP
 *
 * The device finishes chains in any order and says so with an interrupt;
 * virtblk_interrupt hands each finished bio back to the block layer and
 * lets it start the bios that waited for room in the ring.
 */
#include "drivers/virtio_blk.h"
#include "block/blkdev.h"
#include "drivers/virtio_pci.h"
#include "kernel/errno.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "mm/page.h"
#include "mm/slab.h"

/* Feature bits (virtio 1.x section 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: the largest data descriptor */
#define VIRTIO_BLK_F_SEG_MAX  2 /* seg_max: most data descriptors per request */
#define VIRTIO_BLK_F_RO       5 /* the disk is read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6 /* blk_size: the logical block size */
#define VIRTIO_BLK_F_FLUSH    9 /* a volatile write cache, and FLUSH requests */

/* The device configuration (offsets). */
#define VIRTIO_BLK_CFG_CAPACITY 0  /* 64 bits, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX  12
#define VIRTIO_BLK_CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4

#define VIRTIO_BLK_S_OK 0

#define VIRTBLK_MAJOR 254        /* what Debian's Linux gives virtblk */
#define VIRTBLK_MINORS 16        /* a disk and its 15 partitions */
#define VIRTBLK_MAX_DISKS 4      /* vda-vdd */

/* Everything of one request the device reads or writes besides the data. */
struct virtblk_req {
	struct {                 /* struct virtio_blk_outhdr */
		uint32_t type;   /* VIRTIO_BLK_T_* */
		uint32_t ioprio;
		uint64_t sector;
	} hdr;
	uint8_t status;          /* VIRTIO_BLK_S_* */
	struct bio *bio;
	struct virtblk_req *next_free;
};

struct virtio_blk {
	struct block_device bdev;
	struct virtio_pci_device vp;
	struct virtqueue vq;
	struct virtblk_req *reqs;      /* one per ring entry: never short */
	struct virtblk_req *free_reqs;
	uint32_t features;             /* negotiated */
	uint32_t seg_max;              /* data descriptors per request */
	uint32_t size_max;             /* bytes per data descriptor */
	uint32_t blk_size;             /* the logical block size */
};

/* Static, not allocated: the disks live as long as the kernel. */
static struct virtio_blk disks[VIRTBLK_MAX_DISKS];

static bool has_feature(const struct virtio_blk *vblk, unsigned int bit)
{
	return vblk->features & (1u << bit);
}

static uint32_t req_type(const struct bio *bio)
{
	switch (blk_bio_op(bio)) {
	case REQ_OP_READ:
		return VIRTIO_BLK_T_IN;
	case REQ_OP_WRITE:
		return VIRTIO_BLK_T_OUT;
	default:
		return VIRTIO_BLK_T_FLUSH;
	}
}

/* block_device_operations.queue_bio; interrupts are off. */
static int virtblk_queue_bio(struct block_device *bdev, struct bio *bio)
{
	struct virtio_blk *vblk = bdev->bd_private;
	struct virtblk_req *req = vblk->free_reqs;
	struct vring_sg sg[BIO_MAX_VECS + 2];
	uint32_t type = req_type(bio);
	unsigned int n = 0, nr_data = type == VIRTIO_BLK_T_FLUSH ? 0 : bio->bi_vcnt;

	req->hdr.type = type;
	req->hdr.ioprio = 0;
	req->hdr.sector = type == VIRTIO_BLK_T_FLUSH ? 0 : bio->bi_sector;
	req->status = 0xff; /* not OK until the device says so */
	req->bio = bio;
	sg[n++] = (struct vring_sg){ __pa(&req->hdr), sizeof(req->hdr) };
	for (unsigned int i = 0; i < nr_data; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];
		sg[n++] = (struct vring_sg){ page_to_phys(bv->bv_page) + bv->bv_offset, bv->bv_len };
	}
	sg[n++] = (struct vring_sg){ __pa(&req->status), sizeof(req->status) };
	/* The device reads the header and the data of a write; it writes the
	 * data of a read and the status. */
	unsigned int out = type == VIRTIO_BLK_T_OUT ? 1 + nr_data : 1;
	if (virtqueue_add(&vblk->vq, sg, out, n - out, req) < 0)
		return -EBUSY;
	vblk->free_reqs = req->next_free;
	/* Every request is kicked, although the device may have set
	 * VRING_USED_F_NO_NOTIFY: the flag is only advice (the spec: "it's
	 * unreliable, so it's simply an optimization"), and Debian's QEMU
	 * 7.2 under TCG was seen to leave a request that arrived while it
	 * was set in the ring for good - a swap read that never finished. */
	vp_notify(&vblk->vp, 0);
	return 0;
}

static const struct block_device_operations virtblk_ops = {
	.queue_bio = virtblk_queue_bio,
};

/* The line is shared: first ask the device whether it was this one.
 * Reading the ISR also lowers its interrupt. */
static void virtblk_interrupt(void *dev_id)
{
	struct virtio_blk *vblk = dev_id;
	struct virtblk_req *req;
	uint32_t len;

	if (!(vp_read_isr(&vblk->vp) & VIRTIO_PCI_ISR_QUEUE))
		return;
	while ((req = virtqueue_get_buf(&vblk->vq, &len))) {
		struct bio *bio = req->bio;
		req->next_free = vblk->free_reqs;
		vblk->free_reqs = req;
		bio->bi_status = req->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
		blk_complete_bio(bio);
	}
	blk_run_queue(&vblk->bdev);
}

/* Take the features we use, read the limits and the size. */
static void negotiate(struct virtio_blk *vblk)
{
	uint32_t wanted = 1u << VIRTIO_BLK_F_SIZE_MAX | 1u << VIRTIO_BLK_F_SEG_MAX |
			  1u << VIRTIO_BLK_F_RO | 1u << VIRTIO_BLK_F_BLK_SIZE |
			  1u << VIRTIO_BLK_F_FLUSH;

	vblk->features = vp_get_features(&vblk->vp) & wanted;
	vp_set_features(&vblk->vp, vblk->features);
	vblk->seg_max = has_feature(vblk, VIRTIO_BLK_F_SEG_MAX) ?
			vp_config_read32(&vblk->vp, VIRTIO_BLK_CFG_SEG_MAX) : 1;
	vblk->size_max = has_feature(vblk, VIRTIO_BLK_F_SIZE_MAX) ?
			 vp_config_read32(&vblk->vp, VIRTIO_BLK_CFG_SIZE_MAX) : UINT32_MAX;
	vblk->blk_size = has_feature(vblk, VIRTIO_BLK_F_BLK_SIZE) ?
			 vp_config_read32(&vblk->vp, VIRTIO_BLK_CFG_BLK_SIZE) : SECTOR_SIZE;
	vblk->bdev.bd_nr_sectors = vp_config_read64(&vblk->vp, VIRTIO_BLK_CFG_CAPACITY);
	vblk->bdev.bd_read_only = has_feature(vblk, VIRTIO_BLK_F_RO);
	vblk->bdev.bd_write_cache = has_feature(vblk, VIRTIO_BLK_F_FLUSH);
}

/* A disk whose limits a bio could break is refused rather than half
 * driven: every bio_vec must fit one descriptor, and every bio one
 * request. */
static const char *unusable(const struct virtio_blk *vblk)
{
	if (vblk->vp.pci->irq == 0 || vblk->vp.pci->irq >= NR_IRQS)
		return "no interrupt line";
	if (vblk->seg_max < BIO_MAX_VECS)
		return "seg_max below 16";
	if (vblk->size_max < PAGE_SIZE)
		return "size_max below a page";
	if (vblk->blk_size != SECTOR_SIZE)
		return "logical block size is not 512";
	if (vblk->vq.num < BIO_MAX_VECS + 2)
		return "ring too small for one request";
	return NULL;
}

static int alloc_reqs(struct virtio_blk *vblk)
{
	vblk->reqs = kzalloc(vblk->vq.num * sizeof(*vblk->reqs));
	if (!vblk->reqs)
		return -ENOMEM;
	for (unsigned int i = 0; i < vblk->vq.num; i++) {
		vblk->reqs[i].next_free = vblk->free_reqs;
		vblk->free_reqs = &vblk->reqs[i];
	}
	return 0;
}

/* Set the device up; NULL if it works, else why not. */
static const char *virtblk_setup(struct virtio_blk *vblk)
{
	negotiate(vblk);
	if (vp_setup_vq(&vblk->vp, 0, &vblk->vq) < 0)
		return "no request queue";
	const char *why = unusable(vblk);
	if (why)
		return why;
	if (alloc_reqs(vblk) < 0)
		return "out of memory";
	return NULL;
}

static void virtblk_probe(struct pci_dev *pci, int index)
{
	struct virtio_blk *vblk = &disks[index];
	struct block_device *bdev;
	const char *why;

	if (vp_init(&vblk->vp, pci) < 0) {
		pr_err("virtio-blk: device %u:%u.%u: no I/O BAR: not used\n", pci->bus, pci->slot,
		       pci->func);
		return;
	}
	bdev = &vblk->bdev;
	snprintf(bdev->bd_name, sizeof(bdev->bd_name), "vd%c", 'a' + index);
	bdev->bd_dev = MKDEV(VIRTBLK_MAJOR, index * VIRTBLK_MINORS);
	bdev->bd_ops = &virtblk_ops;
	bdev->bd_private = vblk;
	why = virtblk_setup(vblk);
	if (why) {
		/* The ring and its memory stay with the failed device. */
		pr_err("virtio-blk: %s: %s: not used\n", bdev->bd_name, why);
		vp_add_status(&vblk->vp, VIRTIO_CONFIG_S_FAILED);
		return;
	}
	add_disk(bdev);
	irq_register(pci->irq, virtblk_interrupt, vblk);
	vp_add_status(&vblk->vp, VIRTIO_CONFIG_S_DRIVER_OK);
	pr_info("virtio-blk: %s: %llu sectors (%llu MiB)%s\n", bdev->bd_name,
		(unsigned long long)bdev->bd_nr_sectors,
		(unsigned long long)(bdev->bd_nr_sectors >> (20 - SECTOR_SHIFT)),
		bdev->bd_read_only ? ", read-only" : "");
}

void virtio_blk_init(void)
{
	for (int index = 0; index < VIRTBLK_MAX_DISKS; index++) {
		struct pci_dev *pci = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET,
						     VIRTIO_PCI_DEVICE_ID_BLOCK_LEGACY, index);
		if (!pci)
			return;
		virtblk_probe(pci, index);
	}
}
