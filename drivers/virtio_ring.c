#include "drivers/virtio_ring.h"
#include "kernel/errno.h"

/* The device runs in another QEMU thread and sees our stores in order
 * (x86 is TSO); the compiler must not move them across these points. */
#define virtio_wmb() __asm__ volatile("" ::: "memory")
#define virtio_rmb() __asm__ volatile("" ::: "memory")

size_t vring_size(unsigned int num)
{
	size_t avail_end = num * sizeof(struct vring_desc) + sizeof(uint16_t) * (3 + num);

	return ALIGN_UP(avail_end, (size_t)VIRTIO_PCI_VRING_ALIGN) +
	       sizeof(uint16_t) * 3 + num * sizeof(struct vring_used_elem);
}

void vring_init(struct virtqueue *vq, unsigned int num, void *mem, void **tokens)
{
	char *base = mem;
	size_t avail_end = num * sizeof(struct vring_desc) + sizeof(uint16_t) * (3 + num);

	vq->num = num;
	vq->desc = mem;
	vq->avail = (struct vring_avail *)(base + num * sizeof(struct vring_desc));
	vq->used = (struct vring_used *)(base + ALIGN_UP(avail_end, (size_t)VIRTIO_PCI_VRING_ALIGN));
	vq->tokens = tokens;
	vq->num_free = num;
	vq->free_head = 0;
	vq->last_used_idx = 0;
	for (unsigned int i = 0; i + 1 < num; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
}

int virtqueue_add(struct virtqueue *vq, const struct vring_sg *sg, unsigned int out,
		  unsigned int in, void *token)
{
	unsigned int total = out + in;

	if (total == 0 || total > vq->num_free)
		return -ENOSPC;
	uint16_t head = vq->free_head, i = head, last = head;

	for (unsigned int n = 0; n < total; n++) {
		struct vring_desc *d = &vq->desc[i];
		d->addr = sg[n].addr;
		d->len = sg[n].len;
		d->flags = (n >= out ? VRING_DESC_F_WRITE : 0) |
			   (n + 1 < total ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next; /* the rest of the free chain */
	vq->num_free -= total;
	vq->tokens[head] = token;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	virtio_wmb(); /* the entry before the index that publishes it */
	*(volatile uint16_t *)&vq->avail->idx = (uint16_t)(vq->avail->idx + 1);
	return 0;
}

/* Put the chain that starts at head back on the free chain, in front. */
static void detach_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t i = head;

	vq->num_free++;
	while (vq->desc[i].flags & VRING_DESC_F_NEXT) {
		i = vq->desc[i].next;
		vq->num_free++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
}

void *virtqueue_get_buf(struct virtqueue *vq, uint32_t *len)
{
	if (vq->last_used_idx == *(volatile uint16_t *)&vq->used->idx)
		return NULL;
	virtio_rmb(); /* the index before the entry it covers */
	struct vring_used_elem *e = &vq->used->ring[vq->last_used_idx % vq->num];
	uint16_t head = (uint16_t)e->id;
	void *token = vq->tokens[head];

	*len = e->len;
	vq->last_used_idx++;
	vq->tokens[head] = NULL;
	detach_chain(vq, head);
	return token;
}
