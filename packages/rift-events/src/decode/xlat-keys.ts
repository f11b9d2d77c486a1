/**
 * The key management tables (keyctl(2); uapi/linux/keyctl.h, include/linux/key.h), in the form
 * of xlat.ts (merged into its XLAT), and errno numbers as an enum (keyctl's KEYCTL_REJECT takes
 * an error to answer with: strace prints its name, the number when it has none).
 */
import { ERRNO_TABLE } from '../errno-table.js';
import type { Xlat } from './xlat.js';

const E = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'enum', values, ...extra });
const F = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'flags', values, ...extra });
/** one name a bit, from bit 0 */
const bits = (names: string[]): Array<[string, number]> => names.map((n, i) => [n, 2 ** i]);

/** a key's permission bits: possessor, user, group, other, six each (the _ALL masks after them) */
const PERM_CLASSES = ['POS', 'USR', 'GRP', 'OTH'] as const;
const PERMS = ['VIEW', 'READ', 'WRITE', 'SEARCH', 'LINK', 'SETATTR'] as const;
const permEntries = (): Array<[string, number]> => {
  const out: Array<[string, number]> = [];
  PERM_CLASSES.forEach((cls, k) => {
    const shift = 24 - 8 * k;
    PERMS.forEach((p, i) => out.push([`KEY_${cls}_${p}`, (1 << (shift + i)) >>> 0]));
    out.push([`KEY_${cls}_ALL`, (0x3f << shift) >>> 0]);
  });
  return out;
};

export const KEYS_XLAT: Readonly<Record<string, Xlat>> = {
  key_perms: F(permEntries(), { dflt: 'KEY_???' }),
  // KEYCTL_SET_REQKEY_KEYRING's default keyring (an int, printed in decimal)
  key_reqkeys: E([['KEY_REQKEY_DEFL_NO_CHANGE', -1], ['KEY_REQKEY_DEFL_DEFAULT', 0], ['KEY_REQKEY_DEFL_THREAD_KEYRING', 1], ['KEY_REQKEY_DEFL_PROCESS_KEYRING', 2],
    ['KEY_REQKEY_DEFL_SESSION_KEYRING', 3], ['KEY_REQKEY_DEFL_USER_KEYRING', 4], ['KEY_REQKEY_DEFL_USER_SESSION_KEYRING', 5], ['KEY_REQKEY_DEFL_GROUP_KEYRING', 6],
    ['KEY_REQKEY_DEFL_REQUESTOR_KEYRING', 7]], { signed: true, dec: true, dflt: 'KEY_REQKEY_DEFL_???' }),
  keyctl_move: F([['KEYCTL_MOVE_EXCL', 1]], { dflt: 'KEYCTL_MOVE_???' }),
  // KEYCTL_CAPABILITIES' answer: a byte of flags each
  keyctl_caps0: F(bits(['KEYCTL_CAPS0_CAPABILITIES', 'KEYCTL_CAPS0_PERSISTENT_KEYRINGS', 'KEYCTL_CAPS0_DIFFIE_HELLMAN', 'KEYCTL_CAPS0_PUBLIC_KEY',
    'KEYCTL_CAPS0_BIG_KEY', 'KEYCTL_CAPS0_INVALIDATE', 'KEYCTL_CAPS0_RESTRICT_KEYRING', 'KEYCTL_CAPS0_MOVE']), { dflt: 'KEYCTL_CAPS0_???' }),
  keyctl_caps1: F(bits(['KEYCTL_CAPS1_NS_KEYRING_NAME', 'KEYCTL_CAPS1_NS_KEY_TAG', 'KEYCTL_CAPS1_NOTIFICATIONS']), { dflt: 'KEYCTL_CAPS1_???' }),
  keyctl_pkey_ops: F(bits(['KEYCTL_SUPPORTS_ENCRYPT', 'KEYCTL_SUPPORTS_DECRYPT', 'KEYCTL_SUPPORTS_SIGN', 'KEYCTL_SUPPORTS_VERIFY']), { dflt: 'KEYCTL_SUPPORTS_???' }),
  // an error number as a value (not a result): its name, else the unsigned number
  errno_value: E(ERRNO_TABLE.map(([n, name]) => [name, n] as const), { dec: true, dflt: '' }),
};
