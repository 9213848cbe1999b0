import type { KeptAliveRow } from '../../session/answers';
import { DumpText } from './dump-text';
import { formatInteger } from './format';

/** What a finding keeps alive, by type (shared with the evidence card a link carries). */
export function KeptAliveTable({ rows }: { rows: readonly KeptAliveRow[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="kept-alive">
      <thead>
        <tr>
          <th>Kept alive</th>
          <th className="numeric">Count</th>
          <th className="numeric">Bytes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.type}>
            <td className="type-name">
              <DumpText text={row.type} />
            </td>
            <td className="numeric">{formatInteger(row.count)}</td>
            <td className="numeric">{formatInteger(row.bytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
