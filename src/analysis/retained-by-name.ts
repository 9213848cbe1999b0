import type { AnalysisContext } from './analysis-context';
import type { HistogramRow } from './histogram';
import { dominatorTree, retainedSizeByType, type DominatorTree } from './retained';

/**
 * MAT-style retained bytes for each histogram row (type entries merged by name, like the rows):
 * indexed like `rows`. Needs dominators; builds the dominator tree unless given one.
 */
export function retainedByHistogramRow(
  context: AnalysisContext,
  rows: readonly HistogramRow[],
  tree?: DominatorTree,
): Float64Array {
  const { heap, dominators, retained } = context;
  if (!dominators || !retained)
    throw new Error('retained sizes need dominators (this input has no complete reference graph)');
  const groupOfType = new Uint32Array(heap.types.count).fill(rows.length);
  rows.forEach((row, r) => {
    for (const t of row.typeIndices) groupOfType[t] = r;
  });
  return retainedSizeByType(heap, tree ?? dominatorTree(dominators, retained), retained, groupOfType).subarray(
    0,
    rows.length,
  );
}
