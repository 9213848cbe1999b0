import type { ObjectRef } from '../../session/answers';
import { useViewStore } from '../state/store';
import { formatInteger } from './format';
import { DumpText } from './dump-text';
import { visibleText } from '../../session/visible-text';

/** An object as a link: type and address; opens the inspector. Type names are rendered as text. */
export function ObjectLink({ object }: { object: ObjectRef }) {
  const openObject = useViewStore((state) => state.openObject);
  return (
    <button
      type="button"
      className="object-link"
      onClick={() => openObject(object.node)}
      title={`${visibleText(object.type)} ${object.address}`}
    >
      <span className="object-type">
        <DumpText text={object.type} />
      </span>
      {object.address && <span className="object-address"> {object.address}</span>}
    </button>
  );
}

/** `1,234 B` or `?` for an unknown retained size. */
export function bytesOrUnknown(value: number | null): string {
  return value === null ? '?' : `${formatInteger(value)} B`;
}
