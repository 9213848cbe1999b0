import { describe, expect, it } from 'vitest';
import { parseSizeBound } from './size-input';

describe('size bounds as SOS takes them', () => {
  it('reads decimal, separators and 0x hex', () => {
    expect(parseSizeBound('0x8018').value).toBe(32792);
    expect(parseSizeBound('32,792').value).toBe(32792);
    expect(parseSizeBound(' 85000 ').value).toBe(85000);
    expect(parseSizeBound('')).toEqual({ value: null, error: null });
  });
  it('says what is wrong with anything else', () => {
    expect(parseSizeBound('32K').error).toMatch(/not a size in bytes/);
    expect(parseSizeBound('0xZZ').error).toMatch(/not a size/);
    expect(parseSizeBound('-5').value).toBeNull();
  });
});
