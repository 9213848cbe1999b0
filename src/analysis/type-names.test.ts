import { describe, expect, it } from 'vitest';
import { withArticle } from './type-names';

describe('type names in sentences', () => {
  it('take the article their sound takes', () => {
    const cases = ['AuditRecord', 'ArrayList', 'EventStore', 'ImmutableList', 'OrderQueue', 'UpdateQueue', 'Undo'];
    expect(cases.map((name) => withArticle(name))).toEqual(cases.map((name) => `an ${name}`));
    const others = ['Dictionary', 'HashSet', 'WorkQueue', 'UserSession', 'Uri', 'Unit'];
    expect(others.map((name) => withArticle(name))).toEqual(others.map((name) => `a ${name}`));
    expect(withArticle('ArrayList', true)).toBe('An ArrayList');
    expect(withArticle('Dictionary', true)).toBe('A Dictionary');
  });
});
