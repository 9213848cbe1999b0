/**
 * Test helper: a HeapModel from a few lines of text, so algorithm tests read like the heaps they
 * describe:
 *
 *     root -> [static vars] -> [static var Cache.instance] -> cache:Dictionary:64 -> entries:Entry[]
 *     root -> [local vars] -> cache; entries -> CallbackNode:48*17812 -> buffer:System.Byte[]:32792
 *
 * Grammar (statements are separated by `;` or new lines):
 *   statement := node ( `->` node )*          each `->` is one edge; repeating a pair repeats the edge
 *   node      := `[` name `]` ( `#` tag )?    a pseudo-node whose type is the bracketed name
 *                                             (`[COM/WinRT Objects]#2` is a second node of that name)
 *              | id ( `:` type? ( `:` size )? )?
 *                                             a heap object; type defaults to the id, size to
 *                                             DSL_DEFAULT_SIZE; type `?` makes an undefined node
 *                                             (referenced, never described: size 0, not Defined)
 *              | type ( `:` size )? `*` count  a fresh singly-linked chain of `count` objects
 *              | type ( `:` size )? `**` count a fresh doubly-linked chain (next and prev edges)
 *   A node's type and size go on its first mention; later mentions use the bare id (or repeat the
 *   first mention exactly).
 *   The node named `root` (a pseudo-node of type `[.NET Roots]`) is the root; without one, the first
 *   node mentioned is.
 *
 * Chain members are numbered consecutively and are not named (a million-long chain must not become
 * a million strings): `chains[k]` gives the first NodeIndex and the length of the k-th chain.
 */
import { HeapBuilder } from '../heap/heap-builder';
import { NO_NODE, NodeFlag, type HeapModel, type NodeIndex } from '../heap/types';

/** Size of a heap object whose size the DSL does not give. */
export const DSL_DEFAULT_SIZE = 10;
/** Type name of the node called `root`, as dotnet-gcdump names the root (gcdump §5.1). */
const ROOT_TYPE_NAME = '[.NET Roots]';
/** Type name of undefined nodes (gcdump type entry 0). */
const UNDEFINED_TYPE_NAME = 'UNDEFINED';
/** Fake addresses: heap objects get ADDRESS_BASE + index · ADDRESS_STRIDE, pseudo-nodes 0. */
const ADDRESS_BASE = 0x7f00_0000_0000;
const ADDRESS_STRIDE = 0x20;
const TWO_POW_32 = 0x1_0000_0000;

export interface DslChain {
  readonly type: string;
  /** NodeIndex of the first member; the members are first, first+1, …, first+length-1. */
  readonly first: NodeIndex;
  readonly length: number;
  readonly doublyLinked: boolean;
}

export interface DslHeap {
  readonly heap: HeapModel;
  /** The node with this id (throws on an unknown id, which is a typo in the test). */
  node(id: string): NodeIndex;
  /** The DSL id of a node; chain members read `Type*k` (k from 1). */
  idOf(node: number): string;
  /** The chains (`Type*N`, `Type**N`) in the order they appear. */
  readonly chains: readonly DslChain[];
}

const CHAIN_PATTERN = /^([^:*\s][^:*]*?)(?::(\d+))?(\*\*?)(\d+)$/;
const PSEUDO_PATTERN = /^(\[.*\])(#[^\]\s]+)?$/;
const OBJECT_PATTERN = /^([^:*\s]+)(?::([^:*]*))?(?::(\d+))?$/;

/** Builds the heap described by `source` (see the grammar above). */
export function heapFromDsl(source: string): DslHeap {
  const builder = new HeapBuilder('gcdump');
  const nodeById = new Map<string, NodeIndex>();
  const idByNode: string[] = [];
  const declaredType = new Map<string, string>();
  const chains: DslChain[] = [];
  builder.internType(UNDEFINED_TYPE_NAME);

  let nodeCount = 0;
  const appendNode = (typeName: string, size: number, flags: number): NodeIndex => {
    const type = builder.internType(typeName);
    const isObject = (flags & NodeFlag.Pseudo) === 0 && (flags & NodeFlag.Defined) !== 0;
    const address = isObject ? ADDRESS_BASE + nodeCount * ADDRESS_STRIDE : 0;
    const index = builder.addNode(type, size, address % TWO_POW_32, Math.floor(address / TWO_POW_32), flags);
    nodeCount++;
    return index;
  };

  const namedNode = (token: string, statement: string): NodeIndex => {
    const pseudo = PSEUDO_PATTERN.exec(token);
    let id: string;
    let typeName: string;
    let size: number;
    let flags: number;
    let typeGiven: boolean;
    if (pseudo) {
      id = token;
      typeName = pseudo[1];
      size = 0;
      flags = NodeFlag.Defined | NodeFlag.Pseudo;
      typeGiven = true;
    } else {
      const object = OBJECT_PATTERN.exec(token);
      if (!object) throw new Error(`graph DSL: cannot read node "${token}" in "${statement}"`);
      id = object[1];
      typeGiven = object[2] !== undefined && object[2] !== '';
      if (id === 'root' && !typeGiven) {
        typeName = ROOT_TYPE_NAME;
        size = 0;
        flags = NodeFlag.Defined | NodeFlag.Pseudo;
      } else if (object[2] === '?') {
        typeName = UNDEFINED_TYPE_NAME;
        size = 0;
        flags = 0;
      } else {
        typeName = typeGiven ? object[2] : id;
        size = object[3] !== undefined ? Number(object[3]) : DSL_DEFAULT_SIZE;
        flags = NodeFlag.Defined;
        if (typeName.startsWith('[') && typeName.endsWith(']')) flags |= NodeFlag.Pseudo;
      }
    }
    const declares = !pseudo && token !== id;
    const existing = nodeById.get(id);
    if (existing !== undefined) {
      if (declares && declaredType.get(id) !== token) {
        throw new Error(
          `graph DSL: "${token}" in "${statement}" redeclares "${id}"; give its type on its first mention only`,
        );
      }
      return existing;
    }
    const index = appendNode(typeName, size, flags);
    nodeById.set(id, index);
    idByNode[index] = id;
    if (declares) declaredType.set(id, token);
    return index;
  };

  /** Appends a chain; returns its first and last members. */
  const chainNodes = (match: RegExpExecArray): { first: NodeIndex; last: NodeIndex } => {
    const typeName = match[1];
    const size = match[2] !== undefined ? Number(match[2]) : DSL_DEFAULT_SIZE;
    const doublyLinked = match[3] === '**';
    const length = Number(match[4]);
    if (length < 1) throw new Error(`graph DSL: a chain needs at least one member ("${match[0]}")`);
    const first = appendNode(typeName, size, NodeFlag.Defined);
    for (let k = 1; k < length; k++) {
      const member = appendNode(typeName, size, NodeFlag.Defined);
      builder.addEdge((member - 1) as NodeIndex, member);
      if (doublyLinked) builder.addEdge(member, (member - 1) as NodeIndex);
    }
    chains.push({ type: typeName, first, length, doublyLinked });
    return { first, last: (first + length - 1) as NodeIndex };
  };

  for (const rawStatement of source.split(/[;\n]/)) {
    const statement = rawStatement.trim();
    if (statement === '') continue;
    let previousLast: NodeIndex | null = null;
    for (const rawToken of statement.split('->')) {
      const token = rawToken.trim();
      if (token === '') throw new Error(`graph DSL: empty node in "${statement}"`);
      const chain = PSEUDO_PATTERN.test(token) ? null : CHAIN_PATTERN.exec(token);
      const { first, last } = chain ? chainNodes(chain) : singleNode(namedNode(token, statement));
      if (previousLast !== null) builder.addEdge(previousLast, first);
      previousLast = last;
    }
  }

  const rootIndex = nodeById.get('root') ?? (nodeCount > 0 ? (0 as NodeIndex) : NO_NODE);
  if (rootIndex !== NO_NODE) builder.setRoot(rootIndex as NodeIndex);
  const heap = builder.build();
  return {
    heap,
    chains,
    node(id: string): NodeIndex {
      const index = nodeById.get(id);
      if (index === undefined) throw new Error(`graph DSL: no node "${id}"`);
      return index;
    },
    idOf(node: number): string {
      const id = idByNode[node];
      if (id !== undefined) return id;
      const chain = chains.find((c) => node >= c.first && node < c.first + c.length);
      return chain ? `${chain.type}*${node - chain.first + 1}` : `#${node}`;
    },
  };
}

function singleNode(node: NodeIndex): { first: NodeIndex; last: NodeIndex } {
  return { first: node, last: node };
}

/**
 * `root -> [static vars] -> [static var Holder.head] -> type*length` (or `**` when doublyLinked):
 * a chain that a test can make a million long without building a million-character string.
 */
export function chainHeap(length: number, type = 'Node', doublyLinked = false): DslHeap {
  return heapFromDsl(
    `root -> [static vars] -> [static var Holder.head] -> ${type}${doublyLinked ? '**' : '*'}${length}`,
  );
}
