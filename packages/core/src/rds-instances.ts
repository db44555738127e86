/**
 * RDS facts a CDK construct can read from a template (instance class, engine)
 * turned into the resource properties the rds catalogue derives thresholds
 * from (`memoryBytes`, `maxConnections`). Owned by @sre-kit/cdk's RdsAlarms;
 * the CLI and the cost model do not need it.
 */

const GIB = 1024 ** 3;

/** Memory (GiB) by size, for the families whose sizes double from one memory per vCPU ratio. */
const SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'] as const;
const PER_SIZE: Readonly<Record<string, readonly number[]>> = {
  // General purpose: 4 GiB per vCPU (large = 2 vCPU = 8 GiB).
  m: [8, 16, 32, 64, 128, 192, 256, 384],
  // Memory optimised: 8 GiB per vCPU.
  r: [16, 32, 64, 128, 256, 384, 512, 768],
};
const BURSTABLE: Readonly<Record<string, number>> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  '2xlarge': 32,
};

/**
 * Memory of a DB instance class (`db.t4g.medium` -> 4 GiB), from the AWS
 * instance class tables for the t3/t4g, m5/m6g/m6i/m7g and r5/r6g/r6i/r7g
 * families; undefined for anything else (the caller then asks the user).
 */
export function rdsInstanceMemoryBytes(instanceClass: string): number | undefined {
  const match = /^db\.([tmr])(\d)([a-z]*)\.([a-z0-9]+)$/.exec(instanceClass.trim().toLowerCase());
  if (!match) return undefined;
  const [, family, generation, , size] = match;
  if (family === 't') return ['3', '4'].includes(generation) && size in BURSTABLE ? BURSTABLE[size] * GIB : undefined;
  if (!['5', '6', '7'].includes(generation)) return undefined;
  const index = SIZES.indexOf(size as (typeof SIZES)[number]);
  return index < 0 ? undefined : PER_SIZE[family][index] * GIB;
}

/**
 * The engine's default `max_connections` for an instance's memory, as the
 * default parameter groups compute it: MySQL and MariaDB
 * `DBInstanceClassMemory / 12582880`, PostgreSQL
 * `LEAST(DBInstanceClassMemory / 9531392, 5000)`. DBInstanceClassMemory is
 * the class memory minus what the OS and RDS reserve, so this is a slight
 * overestimate; only valid with the default parameter group (undefined for
 * other engines).
 */
export function rdsDefaultMaxConnections(engine: string, memoryBytes: number): number | undefined {
  const e = engine.trim().toLowerCase();
  if (e === 'mysql' || e === 'mariadb') return Math.floor(memoryBytes / 12582880);
  if (e === 'postgres') return Math.min(Math.floor(memoryBytes / 9531392), 5000);
  return undefined;
}
