#include "drivers/virtio_pci.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"

/* The legacy registers, offsets in BAR 0 (virtio 1.x section 4.1.4.8). */
#define VIRTIO_PCI_HOST_FEATURES  0x00 /* 32 bits, the device's */
#define VIRTIO_PCI_GUEST_FEATURES 0x04 /* 32 bits, those we accept */
#define VIRTIO_PCI_QUEUE_PFN      0x08 /* 32 bits: ring address >> 12 */
#define VIRTIO_PCI_QUEUE_NUM      0x0c /* 16 bits: the selected queue's size */
#define VIRTIO_PCI_QUEUE_SEL      0x0e /* 16 bits */
#define VIRTIO_PCI_QUEUE_NOTIFY   0x10 /* 16 bits: write a queue's index */
#define VIRTIO_PCI_STATUS         0x12 /* 8 bits */
#define VIRTIO_PCI_ISR            0x13 /* 8 bits, cleared by reading */
#define VIRTIO_PCI_CONFIG         0x14 /* device config (without MSI-X) */

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

int vp_init(struct virtio_pci_device *vp, struct pci_dev *pci)
{
	bool is_io;
	uint32_t bar = pci_resource_start(pci, 0, &is_io);

	if (!is_io)
		return -ENODEV;
	vp->pci = pci;
	vp->ioaddr = (uint16_t)bar;
	pci_enable_device(pci);
	outb(vp->ioaddr + VIRTIO_PCI_STATUS, 0); /* reset */
	vp_add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vp_add_status(vp, VIRTIO_CONFIG_S_DRIVER);
	return 0;
}

uint32_t vp_get_features(struct virtio_pci_device *vp)
{
	return inl(vp->ioaddr + VIRTIO_PCI_HOST_FEATURES);
}

void vp_set_features(struct virtio_pci_device *vp, uint32_t features)
{
	outl(vp->ioaddr + VIRTIO_PCI_GUEST_FEATURES, features);
}

void vp_add_status(struct virtio_pci_device *vp, uint8_t status)
{
	outb(vp->ioaddr + VIRTIO_PCI_STATUS, inb(vp->ioaddr + VIRTIO_PCI_STATUS) | status);
}

uint8_t vp_read_isr(struct virtio_pci_device *vp)
{
	return inb(vp->ioaddr + VIRTIO_PCI_ISR);
}

uint32_t vp_config_read32(struct virtio_pci_device *vp, unsigned int offset)
{
	return inl((uint16_t)(vp->ioaddr + VIRTIO_PCI_CONFIG + offset));
}

/* Two halves: the legacy interface has no 64-bit access. (A capacity
 * that changed between the reads would need a retry; ours do not.) */
uint64_t vp_config_read64(struct virtio_pci_device *vp, unsigned int offset)
{
	return vp_config_read32(vp, offset) | (uint64_t)vp_config_read32(vp, offset + 4) << 32;
}

int vp_setup_vq(struct virtio_pci_device *vp, uint16_t index, struct virtqueue *vq)
{
	outw(vp->ioaddr + VIRTIO_PCI_QUEUE_SEL, index);
	unsigned int num = inw(vp->ioaddr + VIRTIO_PCI_QUEUE_NUM);

	if (num == 0 || inl(vp->ioaddr + VIRTIO_PCI_QUEUE_PFN) != 0)
		return -ENODEV; /* no such queue, or already in use */
	/* The device needs the rings physically contiguous: one block, with
	 * the tokens after the rings. */
	size_t ring_bytes = vring_size(num);
	unsigned int order = get_order(ring_bytes + num * sizeof(void *));
	struct page *pages = alloc_pages(GFP_KERNEL, order);

	if (!pages)
		return -ENOMEM;
	char *mem = page_address(pages);

	memset(mem, 0, PAGE_SIZE << order);
	vring_init(vq, num, mem, (void **)(mem + ALIGN_UP(ring_bytes, sizeof(void *))));
	outl(vp->ioaddr + VIRTIO_PCI_QUEUE_PFN,
	     (uint32_t)(__pa(mem) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	return 0;
}

void vp_notify(struct virtio_pci_device *vp, uint16_t index)
{
	outw(vp->ioaddr + VIRTIO_PCI_QUEUE_NOTIFY, index);
}
