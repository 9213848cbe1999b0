export { readGcdump, type GcdumpFile, type GcdumpReadOptions } from './gcdump-reader';
export { writeGcdump, writeGcdumpTo, type GcdumpWriteInput } from './gcdump-writer';
export type { GcdumpDetails } from './gcdump-details';
