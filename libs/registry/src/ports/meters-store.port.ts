import type { MeterListQuery } from '../listing/list-query.model';
import type { RecordStore } from './record-store.port';
import type { Change, CustomerMismatch, Meter, MeterAssignment, MeterChanges, MeterDetail, NewMeter } from '../registry.model';

/** A (meter, reading customer, registry customer) whose mismatch count grew since it was last reported. */
export interface PendingMismatch extends CustomerMismatch {
  meterId: string;
  /** Readings already reported (0: this mismatch is new). */
  reportedReadings: number;
}

/**
 * Meters and their customer assignments (PostgreSQL). Changing assignments makes the store
 * recompute the consumption they re-attribute. Errors as in every RecordStore; a customer that
 * does not exist is a RegistryInputError naming `customerId`.
 */
export interface MetersStore extends RecordStore<MeterDetail, MeterChanges, MeterListQuery, Meter> {
  /** Creates (assigning `customerId` since the beginning) or completes an unregistered meter; RegistryConflictError when registered. */
  register(meter: NewMeter, actor: string): Promise<Change<MeterDetail>>;
  /** Deletes a meter without readings or sensors; RegistryHasHistoryError otherwise. */
  remove(id: string): Promise<MeterDetail | null>;
  /**
   * Assigns the meter to `customerId` from `from` (null: since the beginning) until the next
   * assignment; an assignment with the same start is replaced. Returns the assignment history
   * before and after (null: no such meter).
   */
  assign(meterId: string, customerId: string, from: Date | null, actor: string): Promise<Change<MeterAssignment[]> | null>;
  /**
   * Hands mismatches whose count grew to `report` (one reporter at a time per mismatch across
   * instances); once it resolves they count as reported. Returns how many were handed over.
   */
  reportCustomerMismatches(limit: number, report: (pending: PendingMismatch[]) => Promise<void>): Promise<number>;
}

export const METERS_STORE = Symbol('METERS_STORE');
