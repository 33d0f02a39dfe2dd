#include "drivers/pci.h"
#include "kernel/x86.h"

/* Configuration mechanism #1: write the address of a 32-bit register to
 * CONFIG_ADDRESS, then read or write it at CONFIG_DATA. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  0x80000000u

#define PCI_MAX_BUS 8 /* QEMU's pc machine has only bus 0; a bridge adds more */
#define PCI_MAX_SLOT 32
#define PCI_MAX_FUNC 8

static struct pci_dev pci_devices[PCI_MAX_DEVICES];
static int nr_pci_devices;

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t where)
{
	return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)slot << 11 |
	       (uint32_t)func << 8 | (where & 0xfc);
}

static uint32_t read_dword(uint8_t bus, uint8_t slot, uint8_t func, uint8_t where)
{
	outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, where));
	return inl(PCI_CONFIG_DATA);
}

uint32_t pci_read_config_dword(const struct pci_dev *dev, uint8_t where)
{
	return read_dword(dev->bus, dev->slot, dev->func, where);
}

/* Narrower registers are read as their dword and shifted out of it. */
uint16_t pci_read_config_word(const struct pci_dev *dev, uint8_t where)
{
	return pci_read_config_dword(dev, where) >> ((where & 2) * 8);
}

uint8_t pci_read_config_byte(const struct pci_dev *dev, uint8_t where)
{
	return pci_read_config_dword(dev, where) >> ((where & 3) * 8);
}

void pci_write_config_word(const struct pci_dev *dev, uint8_t where, uint16_t val)
{
	outl(PCI_CONFIG_ADDRESS, config_address(dev->bus, dev->slot, dev->func, where));
	outw(PCI_CONFIG_DATA + (where & 2), val);
}

static void add_device(uint8_t bus, uint8_t slot, uint8_t func)
{
	if (nr_pci_devices == PCI_MAX_DEVICES)
		return;
	struct pci_dev *dev = &pci_devices[nr_pci_devices++];
	uint32_t id = read_dword(bus, slot, func, PCI_VENDOR_ID);

	dev->bus = bus;
	dev->slot = slot;
	dev->func = func;
	dev->vendor = id & 0xffff;
	dev->device = id >> 16;
	dev->subsystem_device = pci_read_config_word(dev, PCI_SUBSYSTEM_ID);
	dev->irq = pci_read_config_byte(dev, PCI_INTERRUPT_LINE);
}

static bool present(uint8_t bus, uint8_t slot, uint8_t func)
{
	return (read_dword(bus, slot, func, PCI_VENDOR_ID) & 0xffff) != 0xffff;
}

/* A brute-force scan: every function of every slot of the first buses.
 * It costs a few thousand port accesses, once. */
void pci_init(void)
{
	for (int bus = 0; bus < PCI_MAX_BUS; bus++) {
		for (int slot = 0; slot < PCI_MAX_SLOT; slot++) {
			if (!present(bus, slot, 0))
				continue;
			add_device(bus, slot, 0);
			uint32_t header = read_dword(bus, slot, 0, PCI_HEADER_TYPE);
			if (!(header >> 16 & 0x80))
				continue; /* one function only */
			for (int func = 1; func < PCI_MAX_FUNC; func++)
				if (present(bus, slot, func))
					add_device(bus, slot, func);
		}
	}
}

struct pci_dev *pci_get_device(uint16_t vendor, uint16_t device, int index)
{
	for (int i = 0; i < nr_pci_devices; i++) {
		struct pci_dev *dev = &pci_devices[i];
		if (dev->vendor == vendor && dev->device == device && index-- == 0)
			return dev;
	}
	return NULL;
}

uint32_t pci_resource_start(const struct pci_dev *dev, int bar, bool *is_io)
{
	uint32_t val = pci_read_config_dword(dev, PCI_BASE_ADDRESS_0 + 4 * bar);

	*is_io = val & PCI_BASE_ADDRESS_SPACE_IO;
	return *is_io ? val & ~0x3u : val & ~0xfu;
}

void pci_enable_device(struct pci_dev *dev)
{
	uint16_t cmd = pci_read_config_word(dev, PCI_COMMAND);

	pci_write_config_word(dev, PCI_COMMAND,
			      cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}
