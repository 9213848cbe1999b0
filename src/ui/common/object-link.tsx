import type { ObjectRef } from '../../session/answers';
import { useViewStore } from '../state/store';
import { formatInteger } from './format';

/** An object as a link: type and address; opens the inspector. Type names are rendered as text. */
export function ObjectLink({ object }: { object: ObjectRef }) {
  const openObject = useViewStore((state) => state.openObject);
  return (
    <button
      type="button"
      className="object-link"
      onClick={() => openObject(object.node)}
      title={`${object.type} ${object.address}`}
    >
      <span className="object-type">{object.type}</span>
      {object.address && <span className="object-address"> {object.address}</span>}
    </button>
  );
}

/** `1,234 B` or `?` for an unknown retained size. */
export function bytesOrUnknown(value: number | null): string {
  return value === null ? '?' : `${formatInteger(value)} B`;
}
