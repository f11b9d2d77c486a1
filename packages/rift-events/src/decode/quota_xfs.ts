/**
 * quotactl's XFS commands' data as strace prints it: the quota flags of Q_XQUOTAON/OFF, the
 * quota types of Q_XQUOTARM (each a u32 in brackets), struct fs_disk_quota (Q_XGETQUOTA,
 * Q_XGETNEXTQUOTA, Q_XSETQLIM), struct fs_quota_stat (Q_XGETQSTAT) and struct fs_quota_statv
 * (Q_XGETQSTATV): the first fields, then `...` unless -v. Layouts are x86-64's (linux/dqblk_xfs.h).
 */
import type { StructCtx } from './structs.js';
import { printFlags } from './values.js';

const u64 = (b: Buffer, o: number): string => String(b.readBigUInt64LE(o));

/** [FS_QUOTA_UDQ_ACCT|...]: Q_XQUOTAON's and Q_XQUOTAOFF's flags */
function quotaFlags(b: Buffer, c: StructCtx): string {
  return b.length < 4 ? c.addr : `[${printFlags('xfs_quota_flags', b.readUInt32LE(0), 32)}]`;
}

/** [FS_USER_QUOTA|...]: Q_XQUOTARM's quota types */
function quotaTypes(b: Buffer, c: StructCtx): string {
  return b.length < 4 ? c.addr : `[${printFlags('xfs_dqblk_flags', b.readUInt32LE(0), 32)}]`;
}

/** struct fs_disk_quota (112 bytes) */
function diskQuota(b: Buffer, c: StructCtx): string {
  if (b.length < 112) return c.addr;
  const head = [
    `d_version=${b.readInt8(0)}`, `d_flags=${printFlags('xfs_dqblk_flags', b.readUInt8(1), 32)}`, `d_fieldmask=${b.readUInt16LE(2) ? '0x' + b.readUInt16LE(2).toString(16) : '0'}`,
    `d_id=${b.readUInt32LE(4)}`, `d_blk_hardlimit=${u64(b, 8)}`, `d_blk_softlimit=${u64(b, 16)}`, `d_ino_hardlimit=${u64(b, 24)}`,
    `d_ino_softlimit=${u64(b, 32)}`, `d_bcount=${u64(b, 40)}`, `d_icount=${u64(b, 48)}`,
  ];
  if (!c.verbose) return `{${head.join(', ')}, ...}`;
  return `{${[
    ...head, `d_itimer=${b.readInt32LE(56)}`, `d_btimer=${b.readInt32LE(60)}`, `d_iwarns=${b.readUInt16LE(64)}`, `d_bwarns=${b.readUInt16LE(66)}`,
    `d_rtb_hardlimit=${u64(b, 72)}`, `d_rtb_softlimit=${u64(b, 80)}`, `d_rtbcount=${u64(b, 88)}`, `d_rtbtimer=${b.readInt32LE(96)}`,
    `d_rtbwarns=${b.readUInt16LE(100)}`,
  ].join(', ')}}`;
}

/** fs_qfilestat / fs_qfilestatv at `o` */
const fileStat = (b: Buffer, o: number): string => `{qfs_ino=${u64(b, o)}, qfs_nblks=${u64(b, o + 8)}, qfs_nextents=${b.readUInt32LE(o + 16)}}`;
/** the limits both stat structs end with, at `o` */
const limits = (b: Buffer, o: number): string[] => [
  `qs_btimelimit=${b.readInt32LE(o)}`, `qs_itimelimit=${b.readInt32LE(o + 4)}`, `qs_rtbtimelimit=${b.readInt32LE(o + 8)}`,
  `qs_bwarnlimit=${b.readUInt16LE(o + 12)}`, `qs_iwarnlimit=${b.readUInt16LE(o + 14)}`,
];

/** struct fs_quota_stat (80 bytes) */
function quotaStat(b: Buffer, c: StructCtx): string {
  if (b.length < 80) return c.addr;
  if (!c.verbose) return `{qs_version=${b.readInt8(0)}, ...}`;
  return `{${[
    `qs_version=${b.readInt8(0)}`, `qs_flags=${printFlags('xfs_quota_flags', b.readUInt16LE(2), 32)}`, `qs_uquota=${fileStat(b, 8)}`,
    `qs_gquota=${fileStat(b, 32)}`, `qs_incoredqs=${b.readUInt32LE(56)}`, ...limits(b, 60),
  ].join(', ')}}`;
}

/** struct fs_quota_statv (160 bytes) */
function quotaStatv(b: Buffer, c: StructCtx): string {
  if (b.length < 160) return c.addr;
  if (!c.verbose) return `{qs_version=${b.readInt8(0)}, ...}`;
  return `{${[
    `qs_version=${b.readInt8(0)}`, `qs_flags=${printFlags('xfs_quota_flags', b.readUInt16LE(2), 32)}`, `qs_incoredqs=${b.readUInt32LE(4)}`,
    `qs_uquota=${fileStat(b, 8)}`, `qs_gquota=${fileStat(b, 32)}`, `qs_pquota=${fileStat(b, 56)}`, ...limits(b, 80),
  ].join(', ')}}`;
}

export const QUOTA_XFS_STRUCTS = {
  xfs_quota_flags: quotaFlags,
  xfs_quota_types: quotaTypes,
  xfs_disk_quota: diskQuota,
  xfs_quota_stat: quotaStat,
  xfs_quota_statv: quotaStatv,
};
