import type { AlarmFamilyName, CatalogueAlarm } from '../model/alarms';
import { ALB_ALARMS } from './alb';
import { ECS_ALARMS } from './ecs';
import { LAMBDA_ALARMS } from './lambda';
import { NAT_GATEWAY_ALARMS } from './natgateway';
import { RDS_ALARMS } from './rds';
import { S3_ALARMS } from './s3';
import { WAF_ALARMS } from './waf';

/** Every alarm the kit knows, in family order; ids are stable (`<family>.<slug>`): specs override them by id. */
export const ALARM_CATALOGUE: readonly CatalogueAlarm[] = [
  ...LAMBDA_ALARMS,
  ...ECS_ALARMS,
  ...S3_ALARMS,
  ...ALB_ALARMS,
  ...RDS_ALARMS,
  ...WAF_ALARMS,
  ...NAT_GATEWAY_ALARMS,
];

const BY_ID = new Map(ALARM_CATALOGUE.map((entry) => [entry.id, entry]));

/** The entries of one family, in catalogue order. */
export function catalogueFor(family: AlarmFamilyName): readonly CatalogueAlarm[] {
  return ALARM_CATALOGUE.filter((entry) => entry.family === family);
}

/** The entry with this id, or undefined (validation turns that into "unknown alarm id" with the known ids as hint). */
export function catalogueEntry(id: string): CatalogueAlarm | undefined {
  return BY_ID.get(id);
}
