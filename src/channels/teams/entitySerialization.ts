// The connector client's own model mappers (botbuilder's dependency, same version); there is no public export.
import * as ConnectorMappers from 'botframework-connector/lib/connectorApi/models/mappers';

/**
 * Keeps every property of an activity's entities on the wire. botframework-connector declares
 * `additionalProperties` on the inline `Activity.entities` element, but @azure/core-client
 * serializes array elements with the named model mapper instead ("Quirk" in its
 * serializeSequenceType), and the `Entity` model lists only type, text and mentioned. Without
 * this, the AI-generated label and the citations of a phrased answer (schema.org Message
 * entities) reach Teams as a bare `{ type }`. Idempotent; the test sending through the real
 * connector checks that the entities arrive whole.
 */
export function keepEntityProperties(): void {
  const entity = (ConnectorMappers as unknown as { Entity: { type: { additionalProperties?: unknown } } }).Entity;
  entity.type.additionalProperties ??= { type: { name: 'Object' } };
}
