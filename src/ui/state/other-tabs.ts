/**
 * Which other heapscope tabs of this browser hold the same dump. Each tab's worker keeps its own
 * copy of the heap (≈ 80–100 bytes per object: 1.5 GB at the incident's 18.6 M objects), so a link
 * opened in a second tab doubles the memory; the page says so (`otherTabsHolding` in the store).
 * Tabs tell each other over a BroadcastChannel of this origin: nothing leaves the browser.
 */
import { useViewStore } from './store';

const CHANNEL = 'heapscope-tabs';
const tabId = Math.random().toString(36).slice(2);

type Message =
  | { readonly kind: 'holding'; readonly tab: string; readonly sha256: string }
  | { readonly kind: 'also-holding'; readonly tab: string; readonly sha256: string }
  | { readonly kind: 'released'; readonly tab: string };

/** What each other tab holds, by tab id. */
const others = new Map<string, string>();
let mine: string | null = null;
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);

function isMessage(data: unknown): data is Message {
  const m = data as Partial<Record<string, unknown>> | null;
  return (
    typeof m?.tab === 'string' &&
    m.tab !== tabId &&
    (m.kind === 'released' || ((m.kind === 'holding' || m.kind === 'also-holding') && typeof m.sha256 === 'string'))
  );
}

function publish(): void {
  let count = 0;
  for (const sha256 of others.values()) if (sha256 === mine) count++;
  if (useViewStore.getState().otherTabsHolding !== count) useViewStore.setState({ otherTabsHolding: count });
}

channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isMessage(event.data)) return;
  const message = event.data;
  if (message.kind === 'released') others.delete(message.tab);
  else others.set(message.tab, message.sha256);
  // A tab that just took a dump asks by announcing it: the tabs holding the same one answer.
  if (message.kind === 'holding' && mine === message.sha256) {
    channel.postMessage({ kind: 'also-holding', tab: tabId, sha256: mine } satisfies Message);
  }
  publish();
});

/** This tab now holds the dump with this SHA-256 (replacing whatever it held). */
export function announceHolding(sha256: string): void {
  mine = sha256;
  channel?.postMessage({ kind: 'holding', tab: tabId, sha256 } satisfies Message);
  publish();
}

/** This tab is opening another dump: it no longer holds the one it announced. */
export function releaseHolding(): void {
  if (mine === null) return;
  mine = null;
  channel?.postMessage({ kind: 'released', tab: tabId } satisfies Message);
  publish();
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => channel?.postMessage({ kind: 'released', tab: tabId } satisfies Message));
}
