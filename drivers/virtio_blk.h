/* The virtio block driver (drivers/virtio_blk.c). */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

/* Find every virtio-blk PCI device and register it: vda, vdb, ... */
void virtio_blk_init(void);

#endif
