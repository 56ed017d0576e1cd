// GET /health: one entry per part of the twin; 200 only when every part is ready.
export const HEALTH_PARTS = [
  'dynamodb',
  'fauxqs',
  'api',
  'functions',
  'pollers',
  'schedules',
  'sandboxProvider',
] as const;
export type HealthPart = (typeof HEALTH_PARTS)[number];

export interface PartState {
  status: 'starting' | 'ok' | 'error';
  [detail: string]: unknown;
}

export class Health {
  private readonly parts = new Map<HealthPart, PartState>(HEALTH_PARTS.map((part) => [part, { status: 'starting' }]));

  set(part: HealthPart, state: PartState): void {
    this.parts.set(part, state);
  }

  get ready(): boolean {
    return [...this.parts.values()].every((state) => state.status === 'ok');
  }

  body(): { status: 'ok' | 'starting' | 'error'; parts: Record<HealthPart, PartState> } {
    const states = [...this.parts.values()];
    const status = states.some((state) => state.status === 'error') ? 'error' : this.ready ? 'ok' : 'starting';
    return { status, parts: Object.fromEntries(this.parts) as Record<HealthPart, PartState> };
  }
}
