/**
 * Linux AIO's opcodes (uapi/linux/aio_abi.h), in the form of xlat.ts (merged into its XLAT):
 * an unknown one prints in decimal, as strace.
 */
import type { Xlat } from './xlat.js';

export const AIO_XLAT: Readonly<Record<string, Xlat>> = {
  aio_cmds: {
    kind: 'enum',
    values: [['IOCB_CMD_PREAD', 0], ['IOCB_CMD_PWRITE', 1], ['IOCB_CMD_FSYNC', 2], ['IOCB_CMD_FDSYNC', 3], ['IOCB_CMD_PREADX', 4], ['IOCB_CMD_POLL', 5],
      ['IOCB_CMD_NOOP', 6], ['IOCB_CMD_PREADV', 7], ['IOCB_CMD_PWRITEV', 8]],
    dec: true,
    dflt: 'IOCB_CMD_???',
  },
};
