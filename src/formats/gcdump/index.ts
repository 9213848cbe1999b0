export { readGcdump, type GcdumpFile } from './gcdump-reader';

