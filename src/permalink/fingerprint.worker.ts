/**
 * Hashes one Blob (fingerprint-worker.ts): a thread that does nothing else, started by the page.
 */
import { fingerprintOfBlob } from './fingerprint';
import type { FingerprintReply, FingerprintRequest } from './fingerprint-worker';

self.onmessage = async (event: MessageEvent<FingerprintRequest>) => {
  const { blob, name } = event.data;
  let reply: FingerprintReply;
  try {
    reply = { fingerprint: await fingerprintOfBlob(blob, name) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  (self as unknown as Worker).postMessage(reply);
};
