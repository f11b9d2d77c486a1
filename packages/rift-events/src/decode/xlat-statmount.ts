/**
 * struct statmount's flag sets (uapi/linux/mount.h), in the form of xlat.ts (merged into its
 * XLAT): the superblock's flags and the propagation, both MS_ names.
 */
import type { Xlat } from './xlat.js';

export const STATMOUNT_XLAT: Readonly<Record<string, Xlat>> = {
  statmount_sb_flags: { kind: 'flags', values: [['MS_RDONLY', 1], ['MS_SYNCHRONOUS', 0x10], ['MS_DIRSYNC', 0x80], ['MS_LAZYTIME', 0x2000000]], zero: '0', dflt: 'MS_???' },
  statmount_propagation: { kind: 'flags', values: [['MS_UNBINDABLE', 0x20000], ['MS_PRIVATE', 0x40000], ['MS_SLAVE', 0x80000], ['MS_SHARED', 0x100000]], zero: '0', dflt: 'MS_???' },
};
