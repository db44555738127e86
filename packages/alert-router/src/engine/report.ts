/** Per event, per receiver, per target: what happened. Nothing leaves the router without an outcome. */
export type OutcomeStatus =
  'delivered' | 'duplicate' | 'muted' | 'pending' | 'not-sent' | 'reminded' | 'failed' | 'rejected';

export interface Outcome {
  readonly status: OutcomeStatus;
  /** SNS MessageId / EventBridge id, or the raw payload id of a rejected payload. */
  readonly eventId: string;
  readonly alarmName?: string;
  readonly state?: string;
  readonly receiver?: string;
  readonly target?: string;
  readonly detail?: string;
}

export class Report {
  readonly outcomes: Outcome[] = [];

  add(outcome: Outcome): void {
    this.outcomes.push(outcome);
  }

  get failed(): Outcome[] {
    return this.outcomes.filter((o) => o.status === 'failed' || o.status === 'rejected');
  }

  count(status: OutcomeStatus): number {
    return this.outcomes.filter((o) => o.status === status).length;
  }
}

/** Thrown by the handler so Lambda retries and finally dead-letters the event. */
export class DeliveryFailedError extends Error {
  constructor(readonly failures: readonly Outcome[]) {
    super(
      `${failures.length} notification(s) failed: ${failures
        .slice(0, 5)
        .map((f) => `${f.alarmName ?? f.eventId} -> ${f.receiver ?? '-'}/${f.target ?? '-'}: ${f.detail ?? f.status}`)
        .join('; ')}${failures.length > 5 ? '; …' : ''}`,
    );
    this.name = 'DeliveryFailedError';
  }
}
