import { rdsDefaultMaxConnections, rdsInstanceMemoryBytes } from '../src/rds-instances';

const GIB = 1024 ** 3;

test.each([
  ['db.t4g.medium', 4],
  ['db.t3.micro', 1],
  ['db.m6g.large', 8],
  ['db.m5.24xlarge', 384],
  ['db.r6i.2xlarge', 64],
  ['db.r7g.16xlarge', 512],
])('%s has %d GiB', (cls, gib) => {
  expect(rdsInstanceMemoryBytes(cls)).toBe(gib * GIB);
});

test.each(['db.x2g.large', 'db.t2.micro', 'db.m4.large', 'db.t4g.4xlarge', 'm6g.large', ''])('%s is unknown', (cls) => {
  expect(rdsInstanceMemoryBytes(cls)).toBeUndefined();
});

test('default max_connections follow the engine formulas', () => {
  expect(rdsDefaultMaxConnections('mysql', 4 * GIB)).toBe(341);
  expect(rdsDefaultMaxConnections('mariadb', 4 * GIB)).toBe(341);
  expect(rdsDefaultMaxConnections('postgres', 4 * GIB)).toBe(450);
  expect(rdsDefaultMaxConnections('postgres', 768 * GIB)).toBe(5000);
  expect(rdsDefaultMaxConnections('oracle-ee', 4 * GIB)).toBeUndefined();
});
