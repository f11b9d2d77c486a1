/**
 * fcntl(2)'s tables for what its arguments point to (uapi/asm-generic/fcntl.h, linux/fcntl.h),
 * in the form of xlat.ts (merged into its XLAT): lock and lease types, directory notification
 * flags, write life hints, owner types.
 */
import type { Xlat } from './xlat.js';

export const FCNTL_XLAT: Readonly<Record<string, Xlat>> = {
  lockf: { kind: 'enum', values: [['F_RDLCK', 0], ['F_WRLCK', 1], ['F_UNLCK', 2], ['F_EXLCK', 4], ['F_SHLCK', 8]], dflt: 'F_???' },
  dnotify: {
    kind: 'flags',
    values: [['DN_ACCESS', 0x1], ['DN_MODIFY', 0x2], ['DN_CREATE', 0x4], ['DN_DELETE', 0x8], ['DN_RENAME', 0x10], ['DN_ATTRIB', 0x20], ['DN_MULTISHOT', 0x80000000]],
    dflt: 'DN_???',
  },
  rw_hint: {
    kind: 'enum',
    values: [['RWH_WRITE_LIFE_NOT_SET', 0], ['RWH_WRITE_LIFE_NONE', 1], ['RWH_WRITE_LIFE_SHORT', 2], ['RWH_WRITE_LIFE_MEDIUM', 3], ['RWH_WRITE_LIFE_LONG', 4], ['RWH_WRITE_LIFE_EXTREME', 5]],
    dflt: 'RWH_WRITE_LIFE_???',
  },
  f_owner_type: { kind: 'enum', values: [['F_OWNER_TID', 0], ['F_OWNER_PID', 1], ['F_OWNER_PGRP', 2]], dflt: 'F_OWNER_???' },
};
