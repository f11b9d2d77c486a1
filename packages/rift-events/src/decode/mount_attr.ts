/**
 * struct mount_attr (mount_setattr, open_tree_attr) as strace prints it: an extensible struct
 * whose size is the call's last argument (the capture is as long as that says): the address
 * below the first version's 32 bytes or when it could not be read, the four fields, userns_fd as
 * a descriptor only with MOUNT_ATTR_IDMAP set or cleared, bytes past the known part.
 */
import { nonzeroBytes, type StructCtx } from './structs.js';
import { printEnum, printFlags } from './values.js';

const IDMAP = 0x100000n;

function mountAttr(b: Buffer, c: StructCtx): string {
  const size = BigInt.asUintN(64, BigInt(c.args[4] ?? 0));
  if (size < 32n || b.length < 32) return c.addr;
  const set = b.readBigUInt64LE(0);
  const clr = b.readBigUInt64LE(8);
  const userns = b.readBigUInt64LE(24);
  const fd = userns > 0x7fffffffn || !((set | clr) & IDMAP) ? String(userns) : c.fdText ? c.fdText(Number(userns)) : String(userns);
  const past = size > 32n ? nonzeroBytes(b, 32, size, c) : '';
  const tail = past && `, ${past}`;
  return `{attr_set=${printFlags('mount_attr_attr', set)}, attr_clr=${printFlags('mount_attr_attr', clr)}, ` +
    `propagation=${printEnum('mount_attr_propagation', b.readBigUInt64LE(16), 64)}, userns_fd=${fd}${tail}}`;
}

export const MOUNT_ATTR_STRUCTS = { mount_attr: mountAttr };
