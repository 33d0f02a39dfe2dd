/*
 * The virtio PCI transport, legacy interface (virtio 1.x section 4.1.4.8;
 * Linux: drivers/virtio/virtio_pci_legacy.c). A virtio device on PCI has
 * vendor 0x1af4; its subsystem device id says what it is (2: block).
 *
 * Why legacy: QEMU's virtio-blk-pci is "transitional" - it offers both
 * interfaces - and the legacy one is a handful of registers in one I/O
 * BAR, reached with in/out. The modern interface puts its registers in
 * memory BARs found through a list of PCI capabilities, which this kernel
 * would first have to map. The rings and requests are the same in both.
 */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include "drivers/pci.h"
#include "drivers/virtio_ring.h"

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define VIRTIO_PCI_DEVICE_ID_BLOCK_LEGACY 0x1001 /* transitional virtio-blk */

/* Device status bits (virtio 1.x section 2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1   /* we saw the device */
#define VIRTIO_CONFIG_S_DRIVER      2   /* we know how to drive it */
#define VIRTIO_CONFIG_S_DRIVER_OK   4   /* set up: the device may start */
#define VIRTIO_CONFIG_S_FAILED      128 /* we gave up on it */

#define VIRTIO_PCI_ISR_QUEUE 0x1 /* ISR bit: a queue has used buffers */

struct virtio_pci_device {
	struct pci_dev *pci;
	uint16_t ioaddr; /* BAR 0: the legacy registers */
};

/* Reset the device and find its registers; -ENODEV if BAR 0 is not I/O. */
int vp_init(struct virtio_pci_device *vp, struct pci_dev *pci);
uint32_t vp_get_features(struct virtio_pci_device *vp);
void vp_set_features(struct virtio_pci_device *vp, uint32_t features);
void vp_add_status(struct virtio_pci_device *vp, uint8_t status);
/* Read the ISR status: this also acknowledges the interrupt (and lowers
 * the line). */
uint8_t vp_read_isr(struct virtio_pci_device *vp);
/* The device-specific configuration, after the common registers. */
uint32_t vp_config_read32(struct virtio_pci_device *vp, unsigned int offset);
uint64_t vp_config_read64(struct virtio_pci_device *vp, unsigned int offset);

/* Allocate and zero virtqueue index's rings (the device says how many
 * entries) and give them to the device; -ENOMEM, or -ENODEV if the queue
 * does not exist. */
int vp_setup_vq(struct virtio_pci_device *vp, uint16_t index, struct virtqueue *vq);
/* Tell the device that queue index has new available buffers. */
void vp_notify(struct virtio_pci_device *vp, uint16_t index);

#endif
