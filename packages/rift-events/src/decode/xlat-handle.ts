/**
 * name_to_handle_at(2)'s flags (uapi/linux/fcntl.h), in the form of xlat.ts (merged into its
 * XLAT): its own AT_HANDLE_* bits share values with other AT_ flags (AT_HANDLE_FID is
 * AT_REMOVEDIR's), so they have a table of their own.
 */
import type { Xlat } from './xlat.js';

export const HANDLE_XLAT: Readonly<Record<string, Xlat>> = {
  name_to_handle_at: {
    kind: 'flags',
    values: [['AT_HANDLE_MNT_ID_UNIQUE', 0x1], ['AT_HANDLE_CONNECTABLE', 0x2], ['AT_HANDLE_FID', 0x200], ['AT_SYMLINK_FOLLOW', 0x400], ['AT_EMPTY_PATH', 0x1000]],
    dflt: 'AT_???',
  },
};
