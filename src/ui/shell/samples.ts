/**
 * The "Open a sample" list: the dev/preview server (vite.config.ts) lists the openable files that
 * sample-dumps/catalog.json names (the project's own and the public ones in test-data/), in its order
 * with its descriptions, at `samples/index.json`, and serves each at `samples/<id>`.
 * Same origin only: nothing is fetched from anywhere else.
 */

export interface SampleEntry {
  /** Path below `samples/`, e.g. `fixtures/gcdump/x.gcdump`. */
  readonly id: string;
  readonly name: string;
  /** The catalogue's group ("The incident", "Leaks of other shapes", …). */
  readonly group: string;
  /** One line: what it is and what to expect. */
  readonly description: string;
  readonly bytes: number;
}

const SAMPLE_INDEX_URL = 'samples/index.json';

/** The listed samples; an empty list when the server has none (a static host without samples). */
export async function fetchSampleList(): Promise<SampleEntry[]> {
  const response = await fetch(SAMPLE_INDEX_URL, { cache: 'no-store' });
  if (!response.ok) return [];
  const body: unknown = await response.json();
  if (!Array.isArray(body)) return [];
  return body.filter(
    (entry): entry is SampleEntry =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as SampleEntry).id === 'string' &&
      typeof (entry as SampleEntry).name === 'string' &&
      typeof (entry as SampleEntry).group === 'string' &&
      typeof (entry as SampleEntry).description === 'string' &&
      typeof (entry as SampleEntry).bytes === 'number',
  );
}

/** The sample's bytes as a Blob (handed to the worker like a dropped file). */
export async function fetchSample(sample: SampleEntry): Promise<Blob> {
  const url = `samples/${sample.id.split('/').map(encodeURIComponent).join('/')}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not fetch the sample ${sample.name}: HTTP ${response.status}`);
  return response.blob();
}
