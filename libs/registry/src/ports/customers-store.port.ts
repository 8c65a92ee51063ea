import type { CustomerListQuery, ListResult } from '../listing/list-query.model';
import type { Change, Customer, CustomerChanges, NewCustomer } from '../registry.model';

/**
 * Customers in the registry (PostgreSQL). Adapters throw RegistryStoreUnavailableError when
 * the store does not answer; errors thrown by a `decide` callback pass through unchanged.
 */
export interface CustomersStore {
  /**
   * Creates the customer, or completes it when ingest created it (`unregistered`, returned as
   * `before`); RegistryConflictError when it is registered already.
   */
  register(customer: NewCustomer): Promise<Change<Customer>>;
  get(id: string): Promise<Customer | null>;
  /** Locks the customer, asks `decide` for the changes given its current state, applies them. Null: no such customer. */
  modify(id: string, decide: (current: Customer) => CustomerChanges): Promise<Change<Customer> | null>;
  /** Deletes a customer without history; RegistryHasHistoryError otherwise. Null: no such customer. */
  remove(id: string): Promise<Customer | null>;
  list(query: CustomerListQuery): Promise<ListResult<Customer>>;
}

export const CUSTOMERS_STORE = Symbol('CUSTOMERS_STORE');
