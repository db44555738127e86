/**
 * Severities as a jsii enum (the core model uses string unions, which jsii
 * cannot express). Values are the core spellings so conversion is a cast.
 */
export enum AlarmSeverity {
  /** Wakes someone up: SLO page tiers and outage alarms. */
  CRITICAL = 'critical',
  /** Needs attention in working hours: SLO ticket tiers and degradations. */
  WARNING = 'warning',
  /** Worth knowing, never actionable on its own. */
  INFO = 'info',
}

/** The severity of an SLO burn-rate tier: page goes to the critical topic, ticket to the warning topic. */
export enum SloTierSeverity {
  PAGE = 'page',
  TICKET = 'ticket',
}

export function severityOfTier(tier: SloTierSeverity | 'page' | 'ticket'): AlarmSeverity {
  return tier === 'page' ? AlarmSeverity.CRITICAL : AlarmSeverity.WARNING;
}

/** `Critical` / `Warning` / `Info`: cdk-monitoring-constructs' disambiguator spelling, so its per-disambiguator actions apply. */
export function disambiguatorOf(severity: AlarmSeverity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

export function parseSeverity(value: string): AlarmSeverity | undefined {
  return (Object.values(AlarmSeverity) as string[]).includes(value) ? (value as AlarmSeverity) : undefined;
}
