import { describe, expect, it } from 'vitest';
import { rootKindOfName, type RootKind } from './root-kinds';

describe('root kinds from pseudo-node names', () => {
  const cases: [string, RootKind | null][] = [
    // dotnet-gcdump (gcdump §5.1)
    ['[.NET Roots]', null],
    ['[static vars]', 'staticVariable'],
    ['[static var System.Threading.TimerQueue.s_queues]', null],
    ['[static var Dictionary<System.String,System.String[]>.cache]', null],
    ['[thread static vars]', 'threadStaticVariable'],
    ['[local vars]', 'localVariable'],
    ['[other roots]', 'other'],
    ['[strong Handles]', 'strongHandle'],
    ['[pinning Handles]', 'pinnedHandle'],
    ['[finalizer Handles]', 'finalizerQueue'],
    ['[COM/WinRT Objects]', 'comInterop'],
    ['[other Handles]', 'otherHandle'],
    ['[Dependent Handles]', 'dependentHandle'],
    ['[CCW 0x1f2e3d for type System.Object]', null],
    // PerfView (gcdump §5.2)
    ['[FinalizerQueue]', 'finalizerQueue'],
    ['[PinnedHandle]', 'pinnedHandle'],
    ['[StrongHandle]', 'strongHandle'],
    ['[AsyncPinnedHandle]', 'asyncPinnedHandle'],
    ['[SizedRefHandle]', 'otherHandle'],
    ['[None]', 'other'],
    ['[Pinned local vars]', 'pinnedLocalVariable'],
    ['[Strong handles]', 'strongHandle'],
    ['[Pinned handles]', 'pinnedHandle'],
    ['[GC Heaps]', null],
    ['[JS Roots]', null],
    // unknown bracketed names are 'other'; plain names are not categories
    ['[brand new root kind]', 'other'],
    ['System.String', null],
  ];
  it.each(cases)('%s → %s', (name, kind) => {
    expect(rootKindOfName(name)).toBe(kind);
  });
});
