/*
 * The split virtqueue (virtio 1.x section 2.7; Linux: drivers/virtio/
 * virtio_ring.c): how a driver and a virtio device hand buffers to each
 * other through shared memory. Three parts, laid out one after another:
 *
 *   descriptor table  num entries: a buffer's physical address, length and
 *                     flags; NEXT chains descriptors into one request
 *   available ring    the driver writes the head descriptor of each new
 *                     request here and moves avail->idx on
 *   used ring         the device writes back each finished head (and how
 *                     many bytes it wrote) and moves used->idx on
 *
 * Both indexes run freely (they wrap at 65536, not at num); a slot is
 * index % num. Free descriptors are chained through their next fields
 * from free_head. This file does only this bookkeeping - no I/O ports,
 * no allocation - so the host unit tests (tests/unit/test_virtio_ring.c)
 * can play the device.
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include "lib/types.h"

#define VRING_DESC_F_NEXT  1 /* the chain goes on at desc.next */
#define VRING_DESC_F_WRITE 2 /* the device writes this buffer (else reads it) */

#define VRING_USED_F_NO_NOTIFY 1 /* the device asks not to be kicked */

/* The legacy interface puts the used ring on the next page boundary. */
#define VIRTIO_PCI_VRING_ALIGN 4096

struct vring_desc {
	uint64_t addr;  /* physical address of the buffer */
	uint32_t len;
	uint16_t flags; /* VRING_DESC_F_* */
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;    /* where the driver puts the next entry */
	uint16_t ring[]; /* head descriptors; then a used_event word we do not use */
};

struct vring_used_elem {
	uint32_t id;  /* the head descriptor of a finished chain */
	uint32_t len; /* bytes the device wrote into it */
};

struct vring_used {
	uint16_t flags; /* VRING_USED_F_* */
	uint16_t idx;   /* where the device puts the next entry */
	struct vring_used_elem ring[];
};

/* One buffer of a request, for virtqueue_add. */
struct vring_sg {
	uint64_t addr; /* physical */
	uint32_t len;
};

struct virtqueue {
	unsigned int num;          /* entries; a power of 2, set by the device */
	struct vring_desc *desc;   /* shared with the device */
	struct vring_avail *avail; /* written by us, read by the device */
	struct vring_used *used;   /* written by the device, read by us */
	void **tokens;             /* per head descriptor: the caller's request */
	unsigned int num_free;     /* descriptors on the free chain */
	uint16_t free_head;        /* first free descriptor */
	uint16_t last_used_idx;    /* next used entry we have not looked at */
};

/* Bytes the three parts take for num entries (they must be zeroed, and
 * physically contiguous, aligned to VIRTIO_PCI_VRING_ALIGN). */
size_t vring_size(unsigned int num);

/* Lay the queue out in mem (vring_size(num) zeroed bytes); tokens has
 * room for num pointers. */
void vring_init(struct virtqueue *vq, unsigned int num, void *mem, void **tokens);

/*
 * Chain out device-readable buffers then in device-writable ones into one
 * request, remember token for it and make it available to the device.
 * -ENOSPC (and nothing changes) if fewer than out + in descriptors are
 * free. The caller then kicks the device.
 */
int virtqueue_add(struct virtqueue *vq, const struct vring_sg *sg, unsigned int out,
		  unsigned int in, void *token);

/* The token of the next request the device finished (its descriptors go
 * back on the free chain), with the bytes it wrote in *len; NULL when
 * there is none. */
void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len);

#endif
