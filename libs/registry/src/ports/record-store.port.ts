import type { KeysetPosition, ListResult, SortSpec } from '../listing/list-query.model';
import type { Change } from '../registry.model';

/**
 * What every registry store (customers, meters, sensors) does alike. Adapters throw
 * RegistryStoreUnavailableError when the store does not answer; errors thrown by a `decide`
 * callback pass through unchanged.
 */
export interface RecordStore<Detail, Changes, Query extends { sort: SortSpec<string>; after?: KeysetPosition }, Listed = Detail> {
  get(id: string): Promise<Detail | null>;
  /** Locks the record, asks `decide` for the changes given its current state, applies them. Null: no such record. */
  modify(id: string, decide: (current: Detail) => Changes): Promise<Change<Detail> | null>;
  /** Deletes a record without history; RegistryHasHistoryError otherwise. Null: no such record. */
  remove(id: string): Promise<Detail | null>;
  list(query: Query): Promise<ListResult<Listed>>;
}
