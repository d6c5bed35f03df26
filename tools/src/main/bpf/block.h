/* SPDX-License-Identifier: GPL-2.0 */
/* What the block I/O tools share: a request's disk as the dev_t /proc/partitions names
 * (rq->q->disk's major and first minor), 0 for a request without a disk. */
#ifndef __BPF4J_BLOCK_H
#define __BPF4J_BLOCK_H

/* the kernel's dev_t: MINORBITS 20, as /proc/partitions' major and minor make it */
#define MKDEV(ma, mi) (((ma) << 20) | (mi))

static __always_inline u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	return disk ? MKDEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor)) : 0;
}

#endif
