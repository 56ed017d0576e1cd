// What every view gets: the API client and the page's two live regions.
import { describeFailure, type ApiClient } from './api';
import { h, replace } from './dom';

export interface ViewContext {
  api: ApiClient;
  /** Polite announcement for screen readers and the status line (e.g. "12 messages loaded"). */
  announce(message: string): void;
  /** The signed-in operator as the server names them (token username, else sub); '' when unknown. */
  principal(): string;
  /** The token's access-matrix role (`ops`, `compliance`, …), read for display only; '' when unknown. */
  role(): string;
  /** The token's scopes, read for display only (what to show); the server decides what it may do. */
  scopes(): readonly string[];
}

/** Shows a failure inside a view's own alert region, so it sits next to what failed. */
export function showFailure(region: HTMLElement, error: unknown): void {
  replace(region, h('p', {}, describeFailure(error)));
  region.hidden = false;
}

export function clearFailure(region: HTMLElement): void {
  region.replaceChildren();
  region.hidden = true;
}

export function alertRegion(id: string): HTMLElement {
  return h('div', { id, class: 'alert', role: 'alert', hidden: true });
}
