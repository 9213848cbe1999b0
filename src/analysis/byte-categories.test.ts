import { describe, expect, it } from 'vitest';
import { byteCategories, categorizeTypeName, namespaceOf, type TypeBytes } from './byte-categories';

describe('categorizeTypeName', () => {
  const cases: [string, string][] = [
    ['System.String', 'strings'],
    ['System.Byte[]', 'byte-arrays'],
    ['System.Byte[] (Bytes > 100K)', 'byte-arrays'],
    ['System.Int32[] (Bytes > 10K)', 'other-arrays'],
    ['System.Object[]', 'other-arrays'],
    ['System.Int32<,>', 'other-arrays'],
    ['System.Threading.CancellationCallbackInfo[] (Ptrs,ElemSize=4)', 'tasks-async'],
    ['System.Object[] (Bytes > 10K,Ptrs,ElemSize=16)', 'other-arrays'],
    ['System.Byte[] (NoPtrs,ElemSize=1)', 'byte-arrays'],
    ['MauiApp3.LeakyPage[]', 'other-arrays'],
    ['System.Collections.Generic.List<System.String>', 'collections'],
    ['System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib]]', 'collections'],
    ['System.Collections.Generic.Dictionary+Entry<System.String,System.Object>[]', 'collections'],
    ['System.Collections.Concurrent.ConcurrentDictionary<System.Int32,System.String>', 'collections'],
    ['System.Action', 'delegates'],
    ['System.Func<System.Int32,System.Boolean>', 'delegates'],
    ['System.EventHandler`1[[System.EventArgs, System.Private.CoreLib]]', 'delegates'],
    ['Microsoft.Maui.Controls.BindableProperty+BindingPropertyChangedDelegate', 'delegates'],
    ['System.Threading.TimerCallback', 'delegates'],
    ['System.Threading.Tasks.Task<System.Int32>', 'tasks-async'],
    ['System.Runtime.CompilerServices.AsyncTaskMethodBuilder+AsyncStateMachineBox<X>', 'tasks-async'],
    ['Contoso.Orders.OrderService+<ProcessAsync>d__12', 'tasks-async'],
    ['System.Threading.CancellationTokenSource+CallbackNode', 'tasks-async'],
    ['CallbackNode', 'tasks-async'],
    ['Entry<System.Object,Microsoft.Maui.SourceInfo>[] (Bytes > 10K)', 'collections'],
    ['Node<System.Type,System.Type>', 'collections'],
    ['[]c__DisplayClass0_0', 'delegates'],
    ['Microsoft.Maui.Controls.Shell.[]c', 'delegates'],
    ['RuntimeTypeCache', 'reflection-runtime'],
    ['<CppImplementationDetails>.$ArrayType$$$BY0A@P6AXXZ', 'other'],
    ['(Type  HTMLStyleElement <|tagName:STYLE|>)', 'other'],
    ['System.RuntimeType', 'reflection-runtime'],
    ['System.Reflection.RuntimeMethodInfo', 'reflection-runtime'],
    ['Free', 'reflection-runtime'],
    ['MauiApp3.LeakyPage', 'own-namespace'],
    ['Contoso.Orders.Api.Handler+Inner', 'own-namespace'],
    ['System.Object', 'other'],
    ['Microsoft.Maui.Controls.Label', 'other'],
    ['Object', 'other'],
    ['[.NET Roots]', 'other'],
  ];
  it.each(cases)('%s is %s', (name, expected) => {
    expect(categorizeTypeName(name).id).toBe(expected);
  });
});

describe('namespaceOf', () => {
  it('keeps at most two segments of the outer type', () => {
    expect(namespaceOf('Contoso.Orders.Api.Handler+Inner')).toBe('Contoso.Orders');
    expect(namespaceOf('MauiApp3.LeakyPage')).toBe('MauiApp3');
    expect(namespaceOf('Contoso.Cache<System.String>')).toBe('Contoso');
  });
  it('is null for names without a namespace', () => {
    expect(namespaceOf('Free')).toBeNull();
    expect(namespaceOf('[static vars]')).toBeNull();
  });
});

describe('byteCategories', () => {
  it('sums per category, biggest first, and keeps every byte', () => {
    const types: TypeBytes[] = [
      { name: 'System.String', count: 6913, bytes: 518_562 },
      { name: 'System.Object', count: 6375, bytes: 153_000 },
      { name: 'System.Int32[] (Bytes > 10K)', count: 1, bytes: 98_352 },
      { name: 'System.Byte[]', count: 10, bytes: 2_000 },
      { name: 'MauiApp3.LeakyPage', count: 4, bytes: 3_072 },
      { name: 'MauiApp3.MainPage', count: 1, bytes: 500 },
    ];
    const categories = byteCategories(types);
    expect(categories.map((c) => [c.label, c.bytes, c.count])).toEqual([
      ['Strings', 518_562, 6913],
      ['Other framework / unnamed', 153_000, 6375],
      ['Other arrays', 98_352, 1],
      ['MauiApp3', 3_572, 5],
      ['Byte arrays', 2_000, 10],
    ]);
    const total = categories.reduce((sum, c) => sum + c.bytes, 0);
    expect(total).toBe(types.reduce((sum, t) => sum + t.bytes, 0));
  });

  it('gives the biggest own namespaces a bar each and folds the rest', () => {
    const types: TypeBytes[] = ['A', 'B', 'C', 'D'].map((ns, i) => ({
      name: `${ns}.Thing`,
      count: 1,
      bytes: (i + 1) * 100,
    }));
    const categories = byteCategories(types, 2);
    expect(categories.map((c) => [c.id, c.label, c.bytes])).toEqual([
      ['own-namespace', 'D', 400],
      ['own-namespace', 'C', 300],
      ['own-other', 'Your types (other namespaces)', 300],
    ]);
  });

  it('leaves out empty categories', () => {
    expect(byteCategories([{ name: '[.NET Roots]', count: 0, bytes: 0 }])).toEqual([]);
  });
});
