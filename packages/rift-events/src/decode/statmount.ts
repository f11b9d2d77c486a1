/**
 * statmount(2)'s answer, struct statmount, as strace's print_statmount: the fields the mask says
 * were written, the strings as offsets into the string area after the struct (the offset in hex
 * when it lies past the area the size field and the buffer's size give), string sequences (the
 * options, the id maps) as arrays, `???` for the strings the area does not hold.
 *
 * Captured at exit: the buffer, as long as the call's size argument says (65536 bytes at most).
 */
import type { StructCtx, StructDecoder } from './structs.js';
import { hex0, printEnum, printFlags, quote } from './values.js';

/** sizeof(struct statmount), and the string area strace reads at most (PATH_MAX * 3) */
const SIZE = 512, STR_MAX = 4096 * 3;
const MASK = {
  SB_BASIC: 0x1n, MNT_BASIC: 0x2n, PROPAGATE_FROM: 0x4n, MNT_ROOT: 0x8n, MNT_POINT: 0x10n, FS_TYPE: 0x20n, MNT_NS_ID: 0x40n, MNT_OPTS: 0x80n,
  FS_SUBTYPE: 0x100n, SB_SOURCE: 0x200n, OPT_ARRAY: 0x400n, OPT_SEC_ARRAY: 0x800n, SUPPORTED_MASK: 0x1000n, MNT_UIDMAP: 0x2000n, MNT_GIDMAP: 0x4000n,
} as const;


/**
 * The string at `off` of the area, as print_quoted_cstring: at most all but the last of the bytes
 * left, up to its NUL; `...` when no NUL is among the bytes left. The bytes it took.
 */
function cstring(area: Buffer, off: number, c: StructCtx): [text: string, used: number] {
  const left = area.length - off;
  const nul = area.indexOf(0, off);
  if (nul >= 0) return [quote(area.subarray(off, nul), c), nul - off + 1];
  return [`${quote(area.subarray(off, off + left - 1), c)}...`, left];
}

function statmount(b: Buffer, c: StructCtx): string {
  const size = BigInt.asUintN(64, BigInt(c.args[2] ?? 0));
  const fetch = Number(size < BigInt(SIZE) ? size : BigInt(SIZE));
  if (fetch < 4 || b.length < fetch) return c.addr;
  const st = Buffer.alloc(SIZE);
  b.copy(st, 0, 0, fetch);
  const declared = st.readUInt32LE(0);
  let strSize = declared > SIZE && BigInt(declared) <= size ? Math.min(declared - SIZE, STR_MAX) : 0;
  if (b.length < SIZE + strSize) strSize = 0;
  const area = b.subarray(SIZE, SIZE + strSize);
  const u32 = (o: number) => st.readUInt32LE(o);
  const u64 = (o: number) => st.readBigUInt64LE(o);
  const str = (name: string, o: number): string => {
    const off = u32(o);
    return `${name}=${off < strSize ? cstring(area, off, c)[0] : hex0(off)}`;
  };
  const seq = (numName: string, numOff: number, name: string, o: number): string[] => {
    const n = u32(numOff);
    const off = u32(o);
    if (off >= strSize) return [`${numName}=${n}`, `${name}=${hex0(off)}`];
    const items: string[] = [];
    let at = off;
    let i = 0;
    for (; i < n && at < strSize; i++) {
      // -s strings at most without -v
      if (!c.verbose && i + 1 > c.stringSize) {
        items.push('...');
        return [`${numName}=${n}`, `${name}=[${items.join(', ')}]`];
      }
      const [text, used] = cstring(area, at, c);
      items.push(text);
      at += used;
    }
    if (i < n) items.push('???');
    return [`${numName}=${n}`, `${name}=[${items.join(', ')}]`];
  };
  const mask = u64(8);
  const out: string[] = [`size=${declared}`];
  if (mask & MASK.MNT_OPTS) out.push(str('mnt_opts', 4));
  out.push(`mask=${printFlags('statmount_mask', mask, 64)}`);
  if (mask & MASK.SB_BASIC) {
    out.push(`sb_dev_major=${u32(16)}`, `sb_dev_minor=${u32(20)}`);
    const magic = u64(24);
    const name = printEnum('fs_magic', magic, 64);
    out.push(`sb_magic=${name.includes(' /* ') ? hex0(magic) : name}`, `sb_flags=${printFlags('statmount_sb_flags', u32(32), 32)}`);
  }
  if (mask & MASK.FS_TYPE) out.push(str('fs_type', 36));
  if (mask & MASK.MNT_BASIC) {
    out.push(`mnt_id=${hex0(u64(40))}`, `mnt_parent_id=${hex0(u64(48))}`, `mnt_id_old=${hex0(u32(56))}`, `mnt_parent_id_old=${hex0(u32(60))}`,
      `mnt_attr=${printFlags('mount_attr_attr', u64(64), 64)}`, `mnt_propagation=${printFlags('statmount_propagation', u64(72), 64)}`,
      `mnt_peer_group=${hex0(u64(80))}`, `mnt_master=${hex0(u64(88))}`);
  }
  if (mask & MASK.PROPAGATE_FROM) out.push(`propagate_from=${hex0(u64(96))}`);
  if (mask & MASK.MNT_ROOT) out.push(str('mnt_root', 104));
  if (mask & MASK.MNT_POINT) out.push(str('mnt_point', 108));
  if (mask & MASK.MNT_NS_ID) out.push(`mnt_ns_id=${hex0(u64(112))}`);
  if (mask & MASK.FS_SUBTYPE) out.push(str('fs_subtype', 120));
  if (mask & MASK.SB_SOURCE) out.push(str('sb_source', 124));
  if (mask & MASK.OPT_ARRAY) out.push(...seq('opt_num', 128, 'opt_array', 132));
  if (mask & MASK.OPT_SEC_ARRAY) out.push(...seq('opt_sec_num', 136, 'opt_sec_array', 140));
  if (mask & MASK.SUPPORTED_MASK) out.push(`supported_mask=${printFlags('statmount_mask', u64(144), 64)}`);
  if (mask & MASK.MNT_UIDMAP) out.push(...seq('mnt_uidmap_num', 152, 'mnt_uidmap', 156));
  if (mask & MASK.MNT_GIDMAP) out.push(...seq('mnt_gidmap_num', 160, 'mnt_gidmap', 164));
  return `{${out.join(', ')}}`;
}

export const STATMOUNT_STRUCTS: Readonly<Record<string, StructDecoder>> = { statmount_buf: statmount };
