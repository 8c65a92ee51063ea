import type { CustomerListQuery } from '../listing/list-query.model';
import type { RecordStore } from './record-store.port';
import type { Change, Customer, CustomerChanges, NewCustomer } from '../registry.model';

/** Customers in the registry (PostgreSQL); errors as in every RecordStore. */
export interface CustomersStore extends RecordStore<Customer, CustomerChanges, CustomerListQuery> {
  /**
   * Creates the customer, or completes it when ingest created it (`unregistered`, returned as
   * `before`); RegistryConflictError when it is registered already.
   */
  register(customer: NewCustomer): Promise<Change<Customer>>;
}

export const CUSTOMERS_STORE = Symbol('CUSTOMERS_STORE');
