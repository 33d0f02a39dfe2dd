/* drivers/virtio_ring.c: the split virtqueue's bookkeeping, with the test
 * playing the device - the layout, the free-descriptor chain, running out
 * of descriptors, completions out of order, and the 16-bit indexes
 * wrapping around. */
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio_ring.h"
#include "kernel/errno.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define NUM 8

static void *mem;
static void *tokens[NUM];

static struct virtqueue setup(void)
{
	struct virtqueue vq;

	free(mem);
	mem = aligned_alloc(VIRTIO_PCI_VRING_ALIGN, ALIGN_UP(vring_size(NUM), 4096));
	memset(mem, 0, vring_size(NUM));
	memset(tokens, 0, sizeof(tokens));
	vring_init(&vq, NUM, mem, tokens);
	return vq;
}

/* The device: take the next available chain and finish it at once,
 * writing len bytes. Returns its head. */
static uint16_t device_take(struct virtqueue *vq, uint16_t *avail_seen)
{
	return vq->avail->ring[(*avail_seen)++ % vq->num];
}

static void device_finish(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used->idx % vq->num];

	e->id = head;
	e->len = len;
	vq->used->idx++;
}

static struct vring_sg sgs[3] = { { 0x1000, 16 }, { 0x2000, 512 }, { 0x3000, 1 } };

static void test_layout_is_the_legacy_one(void)
{
	struct virtqueue vq = setup();

	/* 16-byte descriptors, then the available ring; the used ring on the
	 * next 4 KiB boundary (virtio 1.x 2.7, "Legacy Interfaces"). */
	CHECK(sizeof(struct vring_desc) == 16);
	CHECK((char *)vq.avail == (char *)mem + NUM * 16);
	CHECK((char *)vq.used == (char *)mem + 4096);
	CHECK(vring_size(NUM) == 4096 + 6 + 8 * NUM);
	CHECK(vring_size(256) == 8192 + 6 + 8 * 256);
}

static void test_chain_flags_and_direction(void)
{
	struct virtqueue vq = setup();
	int token;

	CHECK(virtqueue_add(&vq, sgs, 1, 2, &token) == 0);
	CHECK(vq.num_free == NUM - 3);
	CHECK(vq.avail->idx == 1);
	uint16_t head = vq.avail->ring[0];
	struct vring_desc *d0 = &vq.desc[head], *d1 = &vq.desc[d0->next], *d2 = &vq.desc[d1->next];
	CHECK(d0->addr == 0x1000 && d0->len == 16 && d0->flags == VRING_DESC_F_NEXT);
	CHECK(d1->addr == 0x2000 && d1->flags == (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE));
	CHECK(d2->addr == 0x3000 && d2->flags == VRING_DESC_F_WRITE);
}

static void test_full_ring_refuses_and_changes_nothing(void)
{
	struct virtqueue vq = setup();
	int t1, t2, t3;

	CHECK(virtqueue_add(&vq, sgs, 1, 2, &t1) == 0);
	CHECK(virtqueue_add(&vq, sgs, 1, 2, &t2) == 0);
	CHECK(vq.num_free == 2);
	CHECK(virtqueue_add(&vq, sgs, 1, 2, &t3) == -ENOSPC);
	CHECK(vq.num_free == 2 && vq.avail->idx == 2);
	CHECK(virtqueue_add(&vq, sgs, 1, 1, &t3) == 0); /* two still fit */
	CHECK(vq.num_free == 0);
	CHECK(virtqueue_add(&vq, sgs, 0, 0, &t3) == -ENOSPC);
}

static void test_out_of_order_completion_returns_tokens(void)
{
	struct virtqueue vq = setup();
	int t[2];
	uint16_t seen = 0;
	uint32_t len;

	CHECK(virtqueue_add(&vq, sgs, 1, 2, &t[0]) == 0);
	CHECK(virtqueue_add(&vq, sgs, 1, 2, &t[1]) == 0);
	uint16_t h0 = device_take(&vq, &seen), h1 = device_take(&vq, &seen);
	CHECK(virtqueue_get_buf(&vq, &len) == NULL); /* nothing finished yet */
	device_finish(&vq, h1, 513);
	device_finish(&vq, h0, 1);
	CHECK(virtqueue_get_buf(&vq, &len) == &t[1] && len == 513);
	CHECK(virtqueue_get_buf(&vq, &len) == &t[0] && len == 1);
	CHECK(virtqueue_get_buf(&vq, &len) == NULL);
	CHECK(vq.num_free == NUM);
}

/* Every descriptor is on the free chain exactly once. */
static bool free_chain_is_whole(const struct virtqueue *vq)
{
	bool seen[NUM] = { false };
	uint16_t i = vq->free_head;

	for (unsigned int n = 0; n < vq->num_free; n++) {
		if (i >= NUM || seen[i])
			return false;
		seen[i] = true;
		i = vq->desc[i].next;
	}
	return true;
}

static void test_indexes_wrap_around(void)
{
	struct virtqueue vq = setup();
	uint16_t seen = 0;
	uint32_t len;
	int t[3];
	bool ok = true;

	/* 70000 requests of varying length, up to three in flight: the free
	 * indexes pass 65535 and wrap; the chain must stay whole. */
	for (int round = 0; round < 70000 && ok; round++) {
		unsigned int n = 1 + round % 3;
		ok &= virtqueue_add(&vq, sgs, 1, n - 1, &t[round % 3]) == 0;
		device_finish(&vq, device_take(&vq, &seen), n);
		ok &= virtqueue_get_buf(&vq, &len) == &t[round % 3] && len == n;
		ok &= vq.num_free == NUM && free_chain_is_whole(&vq);
	}
	CHECK(ok);
	CHECK(vq.avail->idx == (uint16_t)70000 && vq.last_used_idx == (uint16_t)70000);
}

int main(void)
{
	RUN(test_layout_is_the_legacy_one);
	RUN(test_chain_flags_and_direction);
	RUN(test_full_ring_refuses_and_changes_nothing);
	RUN(test_out_of_order_completion_returns_tokens);
	RUN(test_indexes_wrap_around);
	free(mem);
	return finish("virtio_ring");
}
