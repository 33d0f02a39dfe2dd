/*
 * PCI: the bus QEMU's `-M pc` puts its devices on (Linux: drivers/pci/).
 * Each device has 256 bytes of configuration space - who made it (vendor,
 * device id), where its registers are (BARs), which interrupt line it
 * uses - read and written through two I/O ports (configuration
 * mechanism #1). pci_init() scans the bus once at boot; drivers then ask
 * for their devices by id.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "lib/types.h"

/* Configuration-space registers (offsets). */
#define PCI_VENDOR_ID      0x00 /* 16 bits; 0xffff: no device there */
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_HEADER_TYPE    0x0e /* bit 7: a multi-function device */
#define PCI_BASE_ADDRESS_0 0x10 /* six 32-bit BARs follow */
#define PCI_SUBSYSTEM_ID   0x2e
#define PCI_INTERRUPT_LINE 0x3c /* the PIC line the firmware routed INTx to */

#define PCI_COMMAND_IO     0x1 /* answer I/O-port accesses */
#define PCI_COMMAND_MEMORY 0x2 /* answer memory accesses */
#define PCI_COMMAND_MASTER 0x4 /* may read and write RAM itself (DMA) */

#define PCI_BASE_ADDRESS_SPACE_IO 0x1 /* BAR bit 0: I/O ports, not memory */

#define PCI_MAX_DEVICES 32

struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint16_t subsystem_device; /* virtio: which kind of device (legacy ids) */
	uint8_t irq;               /* PCI_INTERRUPT_LINE */
};

void pci_init(void);

/* The index-th device (0, 1, ...) with this vendor and device id, in bus
 * order, or NULL. */
struct pci_dev *pci_get_device(uint16_t vendor, uint16_t device, int index);

uint8_t pci_read_config_byte(const struct pci_dev *dev, uint8_t where);
uint16_t pci_read_config_word(const struct pci_dev *dev, uint8_t where);
uint32_t pci_read_config_dword(const struct pci_dev *dev, uint8_t where);
void pci_write_config_word(const struct pci_dev *dev, uint8_t where, uint16_t val);

/* BAR bar's base address (I/O port or physical address, flag bits
 * cleared); whether it is an I/O BAR in *is_io. */
uint32_t pci_resource_start(const struct pci_dev *dev, int bar, bool *is_io);

/* Turn on I/O decoding and bus mastering (Linux's pci_enable_device and
 * pci_set_master together). */
void pci_enable_device(struct pci_dev *dev);

#endif
