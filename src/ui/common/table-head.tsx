/** A column of a table's header: its label, right-aligned when it holds numbers; false leaves it out. */
export type Column = string | { readonly number: string } | false;

/** The `<thead>` of the data tables: one header row, numeric columns right-aligned like their cells. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) =>
          column === false ? null : typeof column === 'string' ? (
            <th key={index} scope="col">
              {column}
            </th>
          ) : (
            <th key={index} scope="col" className="number">
              {column.number}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
