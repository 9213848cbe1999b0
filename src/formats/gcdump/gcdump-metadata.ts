/**
 * The GCHeapDump object's own fields (docs/specs/gcdump-format.md §3): process facts, the .NET heap
 * info with its GC segments, interop data, the legacy (version 4–7) layouts, and the producer
 * description built from them. The MemoryGraph (§4) is gcdump-reader.ts.
 */
import { UNKNOWN_PRODUCER } from '../../heap/heap-builder';
import type { GcSegment } from '../../heap/types';
import { FastSerializationReader, versionsOf } from './fast-serialization';
import type {
  DescriptorVersions,
  GcdumpDetails,
  LegacyFields,
  StoredDotNetHeapInfo,
  StoredInteropInfo,
  StoredSegment,
  TaggedField,
} from './gcdump-details';
import { Tag } from './tags';

/** .NET ticks at 1970-01-01 (DateTime.UnixEpoch.Ticks). */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

type ProcessFields = Pick<
  GcdumpDetails,
  | 'collectionLog'
  | 'timeCollectedTicks'
  | 'machineName'
  | 'processName'
  | 'processId'
  | 'totalProcessCommit'
  | 'totalProcessWorkingSet'
>;

export class GcdumpMetadataReader extends FastSerializationReader {
  // ── GCHeapDump (§3) ────────────────────────────────────────────────────────────────────────

  protected async readCurrentFields(typeCount: number) {
    const r = this.r;
    await r.ensure(9, 'GCHeapDump fields 2–4');
    const is64BitByte = r.u8();
    const averageCountMultiplier = r.f32();
    const averageSizeMultiplier = r.f32();
    let jsHeapInfo: DescriptorVersions | null = null;
    const js = await this.beginObject('JSHeapInfo');
    if (js.kind !== 'null') {
      this.expectType(js, 'JSHeapInfo', 'field 5 of GCHeapDump');
      jsHeapInfo = versionsOf(js.descriptor);
      await this.endObject('JSHeapInfo');
    }
    const dotNetHeapInfo = await this.readDotNetHeapInfo();
    const processFields = await this.readProcessFields();
    await r.ensure(4, 'the count of CountMultipliersByType');
    const multiplierAt = r.position;
    const multiplierCount = r.i32();
    if (multiplierCount < 0 || multiplierCount * 4 > r.remaining) {
      throw r.error(
        `CountMultipliersByType claims ${multiplierCount} entries but only ${r.remaining} bytes remain`,
        multiplierAt,
        multiplierCount >= 0,
      );
    }
    if (multiplierCount !== 0 && multiplierCount !== typeCount) {
      throw r.error(`CountMultipliersByType has ${multiplierCount} entries for ${typeCount} types`, multiplierAt);
    }
    const countMultipliers = new Float32Array(multiplierCount);
    await r.ensure(multiplierCount * 4, 'CountMultipliersByType');
    for (let i = 0; i < multiplierCount; i++) countMultipliers[i] = r.f32();

    let interopInfo: TaggedField<StoredInteropInfo | null> = { present: false };
    if (await this.takeTag(Tag.SkipRegion)) {
      await r.ensure(4, 'the InteropInfo skip index');
      r.i32();
      interopInfo = { present: true, value: await this.readInteropInfo() };
    }
    let creationTool: TaggedField<string | null> = { present: false };
    if (await this.takeTag(Tag.String)) creationTool = { present: true, value: await r.string('CreationTool') };

    return {
      is64BitByte,
      averageCountMultiplier,
      averageSizeMultiplier,
      jsHeapInfo,
      dotNetHeapInfo,
      ...processFields,
      countMultipliers,
      interopInfo,
      creationTool,
      legacy: null,
    };
  }

  /** §3.2 fields 7–13 (and §3.4 fields 6–12 from version 5): who was dumped, when, how big. */
  protected async readProcessFields(): Promise<ProcessFields> {
    const r = this.r;
    const collectionLog = await r.string('the collection log');
    await r.ensure(8, 'TimeCollected');
    const timeCollectedTicks = r.i64();
    const machineName = await r.string('the machine name');
    const processName = await r.string('the process name');
    await r.ensure(20, 'the process id and memory figures');
    const processId = r.i32();
    const totalProcessCommit = r.i64();
    const totalProcessWorkingSet = r.i64();
    return {
      collectionLog,
      timeCollectedTicks,
      machineName,
      processName,
      processId,
      totalProcessCommit,
      totalProcessWorkingSet,
    };
  }

  /** §3.4: GCHeapDump versions 4–7. */
  protected async readLegacyFields(version: number) {
    const r = this.r;
    await r.ensure(25, 'the legacy GCHeapDump fields');
    const sizeOfAllSegments = r.i64();
    const sizeOfDumpedObjects = r.i64();
    const numberOfDumpedObjects = r.i64();
    const allObjectsDumped = r.u8();
    const processFields: ProcessFields =
      version >= 5
        ? await this.readProcessFields()
        : {
            collectionLog: null,
            timeCollectedTicks: 0n,
            machineName: null,
            processName: null,
            processId: 0,
            totalProcessCommit: 0n,
            totalProcessWorkingSet: 0n,
          };
    let segments: StoredSegment[] | null = null;
    if (version >= 6) {
      await r.ensure(4, 'the segment count');
      const countAt = r.position;
      const count = r.i32();
      if (count < 0 || count > r.remaining)
        throw r.error(`the segment count ${count} does not fit in the file`, countAt, count >= 0);
      segments = [];
      for (let i = 0; i < count; i++) segments.push(await this.readSegment(i));
    }
    let is64BitByte: number | null = null;
    if (version >= 7) {
      await r.ensure(1, 'Is64Bit');
      is64BitByte = r.u8();
    }
    const legacy: LegacyFields = {
      sizeOfAllSegments,
      sizeOfDumpedObjects,
      numberOfDumpedObjects,
      allObjectsDumped,
      segments,
    };
    for (const segment of segments ?? []) this.builder.addSegment(toGcSegment(segment));
    return {
      is64BitByte,
      averageCountMultiplier: 1,
      averageSizeMultiplier: 1,
      jsHeapInfo: null,
      dotNetHeapInfo: null,
      ...processFields,
      countMultipliers: new Float32Array(0),
      interopInfo: { present: false } as const,
      creationTool: { present: false } as const,
      legacy,
    };
  }

  /** §3.3. */
  protected async readDotNetHeapInfo(): Promise<StoredDotNetHeapInfo | null> {
    const r = this.r;
    const slot = await this.beginObject('DotNetHeapInfo');
    if (slot.kind === 'null') return null;
    this.expectType(slot, 'DotNetHeapInfo', 'field 6 of GCHeapDump');
    await r.ensure(12, 'DotNetHeapInfo');
    const sizeOfAllSegments = r.i64();
    const countAt = r.position;
    const count = r.i32();
    if (count < 0 || count > r.remaining)
      throw r.error(`DotNetHeapInfo claims ${count} segments, more than the file holds`, countAt, count >= 0);
    const segments: StoredSegment[] = [];
    for (let i = 0; i < count; i++) segments.push(await this.readSegment(i));
    await this.endObject('DotNetHeapInfo');
    for (const segment of segments) this.builder.addSegment(toGcSegment(segment));
    return { descriptor: versionsOf(slot.descriptor), sizeOfAllSegments, segments };
  }

  protected async readSegment(index: number): Promise<StoredSegment> {
    const r = this.r;
    const slot = await this.beginObject(`GC segment ${index}`);
    this.expectType(slot, 'GCHeapDumpSegment', `GC segment ${index}`);
    const fields = slot.descriptor.version >= 1 ? 7 : 6;
    await r.ensure(fields * 8, `GC segment ${index}`);
    const values: bigint[] = [];
    for (let i = 0; i < fields; i++) values.push(r.i64());
    await this.endObject(`GC segment ${index}`);
    return { descriptor: versionsOf(slot.descriptor), values };
  }

  /** §3.5. */
  protected async readInteropInfo(): Promise<StoredInteropInfo | null> {
    const r = this.r;
    const slot = await this.beginObject('InteropInfo');
    if (slot.kind === 'null') return null;
    this.expectType(slot, 'InteropInfo', 'field 15 of GCHeapDump');
    await r.ensure(4, 'InteropInfo');
    const total = r.i32();
    const info = {
      descriptor: versionsOf(slot.descriptor),
      total,
      rcws: [],
      ccws: [],
      interfaces: [],
      modules: [],
    } as {
      -readonly [K in keyof StoredInteropInfo]: StoredInteropInfo[K] extends readonly (infer E)[]
        ? E[]
        : StoredInteropInfo[K];
    };
    if (total !== 0) {
      await r.ensure(16, 'InteropInfo counts');
      const counts = [r.i32(), r.i32(), r.i32(), r.i32()];
      const [rcwCount, ccwCount, interfaceCount, moduleCount] = counts;
      // Smallest record sizes: RCW 40, CCW 32, interface 33, module 20 bytes.
      if (
        counts.some((c) => c < 0) ||
        rcwCount * 40 + ccwCount * 32 + interfaceCount * 33 + moduleCount * 20 > r.remaining
      ) {
        throw r.error(
          `InteropInfo counts ${counts.join('/')} do not fit in the ${r.remaining} remaining bytes`,
          r.position,
          counts.every((c) => c >= 0),
        );
      }
      for (let i = 0; i < rcwCount; i++) {
        await r.ensure(40, 'an RCW record');
        info.rcws.push({
          node: r.i32(),
          refCount: r.i32(),
          iUnknown: r.i64(),
          jupiter: r.i64(),
          vtable: r.i64(),
          firstInterface: r.i32(),
          interfaceCount: r.i32(),
        });
      }
      for (let i = 0; i < ccwCount; i++) {
        await r.ensure(32, 'a CCW record');
        info.ccws.push({
          node: r.i32(),
          refCount: r.i32(),
          iUnknown: r.i64(),
          handle: r.i64(),
          firstInterface: r.i32(),
          interfaceCount: r.i32(),
        });
      }
      for (let i = 0; i < interfaceCount; i++) {
        await r.ensure(33, 'a COM interface record');
        info.interfaces.push({
          ownerIsRcw: r.u8(),
          owner: r.i32(),
          type: r.i32(),
          address: r.i64(),
          firstVtable: r.i64(),
          firstFunction: r.i64(),
        });
      }
      for (let i = 0; i < moduleCount; i++) {
        await r.ensure(16, 'a COM module record');
        const baseAddress = r.i64();
        const fileSize = r.i32();
        const timestamp = r.i32();
        info.modules.push({ baseAddress, fileSize, timestamp, fileName: await r.string('a COM module file name') });
      }
    }
    await this.endObject('InteropInfo');
    return info;
  }

  protected describeProducer(details: GcdumpDetails): void {
    const tool = details.creationTool.present ? details.creationTool.value : null;
    const description = tool
      ? tool === 'dotnet-trace'
        ? 'dotnet-gcdump (first release, wrote "dotnet-trace")'
        : tool
      : details.creationTool.present
        ? 'PerfView (CreationTool left null)'
        : details.legacy
          ? `PerfView (legacy GCHeapDump version ${details.heapDumpDescriptor.version})`
          : 'PerfView (written before the CreationTool field existed)';
    const bitness = details.graphIs64Bit.present ? details.graphIs64Bit.value : details.is64BitByte;
    this.builder.setProducer({
      ...UNKNOWN_PRODUCER,
      creationTool: tool,
      description,
      pointerSize: bitness === null ? null : bitness !== 0 ? 8 : 4,
      processName: details.processName,
      processId: details.processId !== 0 ? details.processId : null,
      machineName: details.machineName,
      timeCollected: ticksToIso(details.timeCollectedTicks),
      totalProcessCommit: details.totalProcessCommit !== 0n ? Number(details.totalProcessCommit) : null,
      totalProcessWorkingSet: details.totalProcessWorkingSet !== 0n ? Number(details.totalProcessWorkingSet) : null,
      collectionLog: details.collectionLog,
    });
    if (details.countMultipliers.length > 0) {
      this.builder.setCountMultipliers(details.countMultipliers);
      this.builder.warn(
        `This dump was sampled by its producer: counts and sizes are estimates (on average each stored object stands for ${details.averageCountMultiplier.toFixed(2)}).`,
      );
    }
  }
}

function toGcSegment(segment: StoredSegment): GcSegment {
  const v = segment.values.map((x) => BigInt.asUintN(64, x));
  return { start: v[0], end: v[1], genEnds: [v[2], v[3], v[4], v[5], v[6] ?? 0n] };
}

/** .NET ticks of a local time (no zone) → `YYYY-MM-DDTHH:MM:SS`, or null for 0. */
function ticksToIso(ticks: bigint): string | null {
  if (ticks <= 0n) return null;
  const ms = Number((ticks - UNIX_EPOCH_TICKS) / 10_000n);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().slice(0, 19);
}
