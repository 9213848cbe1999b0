import type { LineView } from './line-shapes';
import type { SosBlock } from './transcript-types';

/**
 * Reads the lines of one output block. The transcript parser offers each line to the open block
 * first; `accept` returns false for a line that is not part of it, and the transcript parser then
 * decides whether that line starts another block or is noise.
 */
export interface BlockParser {
  readonly block: SosBlock;
  accept(view: LineView): boolean;
  /** An elision marker sits inside the block, before the next accepted line. */
  onElision?(): void;
  /** The block is complete: check footers against rows and report disagreements. */
  finish?(warnings: string[]): void;
}
