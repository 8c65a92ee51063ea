import { Schema } from 'mongoose';
import type { SchemaDefinition, SchemaDefinitionType } from 'mongoose';

/**
 * The schema of a collection whose documents are keyed by the project's own id (`_id`: an
 * entry, device or event id, a string), so a document written twice is still one document.
 * No version key (writes go by `_id`, not by optimistic version), empty objects kept
 * (`metadata: {}` is a value, not a missing field), nothing stored outside the schema.
 */
export function keyedDocumentSchema<T extends { _id: string }>(collection: string, fields: SchemaDefinition<SchemaDefinitionType<T>>): Schema<T> {
  return new Schema<T>(
    { _id: { type: String, required: true }, ...fields },
    { collection, versionKey: false, minimize: false, strict: true, _id: false },
  );
}
