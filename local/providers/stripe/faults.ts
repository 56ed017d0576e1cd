// The conformance suite's injected faults (test/conformance/subject.ts StandInFault), played in order:
// a status answers the next `count` requests of any kind; a hang or a rejection the next create.
export type StandInFault =
  | { readonly kind: 'http_status'; readonly status: 500 | 502 | 503 | 429; readonly count: number }
  | { readonly kind: 'record_then_hang' }
  | { readonly kind: 'reject'; readonly attribution: 'recipient_details' | 'provider' };

export class FaultQueue {
  private readonly queue: Array<{ fault: StandInFault; remaining: number }> = [];

  inject(fault: StandInFault): void {
    const remaining = fault.kind === 'http_status' ? fault.count : 1;
    if (remaining > 0) this.queue.push({ fault, remaining });
  }

  clear(): void {
    this.queue.length = 0;
  }

  take(isCreate: boolean): StandInFault | undefined {
    const index = this.queue.findIndex((pending) => pending.fault.kind === 'http_status' || isCreate);
    if (index === -1) return undefined;
    const pending = this.queue[index]!;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.queue.splice(index, 1);
    return pending.fault;
  }
}
