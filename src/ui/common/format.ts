/** Number formatting for the views: thousands separators everywhere, fixed locale so tests and screenshots agree. */

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `1,234,567` (rounded: sampled counts are estimates with fractions). */
export function formatInteger(value: number): string {
  return integerFormat.format(value);
}

/** `37.5`, `24`: at most one decimal. */
export function formatAverage(value: number): string {
  return oneDecimalFormat.format(value);
}

/** `15.53%`. */
export function formatPercent(value: number): string {
  return `${percentFormat.format(value)}%`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `3.2 MB` (decimal units, as file managers show file sizes). */
export function formatBytesShort(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${formatInteger(value)} B` : `${oneDecimalFormat.format(value)} ${BYTE_UNITS[unit]}`;
}

/** `3,339,490 bytes (3.3 MB)`. */
export function formatBytesLong(bytes: number): string {
  return `${formatInteger(bytes)} bytes (${formatBytesShort(bytes)})`;
}

/** Throughput of a load in MB/s (decimal megabytes), or null before there is a measurable interval. */
export function megabytesPerSecond(bytesRead: number, elapsedMs: number): number | null {
  if (elapsedMs < 1) return null;
  return bytesRead / 1e6 / (elapsedMs / 1000);
}
