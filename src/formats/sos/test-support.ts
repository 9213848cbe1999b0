/** Shared by the tests beside this file: where the real transcripts are, and how to load one. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteSourceFromBytes } from '../byte-source';
import { importSosTranscript } from './index';

/** Real published transcripts (test-data/README.md), relative to the project root. */
export const SOS_FIXTURES_DIR = 'test-data/sos';
/** Our own service's transcript, captured by tools/capture-real-samples.sh (may be absent). */
export const LEAKY_SERVICE_TRANSCRIPT = 'sample-dumps/leaky-service/runaway-cts.sos.txt';

export function fixtureNames(): string[] {
  return readdirSync(SOS_FIXTURES_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort();
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(SOS_FIXTURES_DIR, name)));
}

export function hasLeakyServiceTranscript(): boolean {
  return existsSync(LEAKY_SERVICE_TRANSCRIPT);
}

export function importText(text: string, name = 'snippet.txt') {
  return importSosTranscript(byteSourceFromBytes(new TextEncoder().encode(text), name));
}

export function importBytes(bytes: Uint8Array, name: string) {
  return importSosTranscript(byteSourceFromBytes(bytes, name));
}
