export { readGcdump, type GcdumpFile } from './gcdump-reader';
export { writeGcdump } from './gcdump-writer';
