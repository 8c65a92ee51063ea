import { Inject, Injectable } from '@nestjs/common';
import type { CustomerListQuery, Page } from './listing/list-query.model';
import { paged } from './listing/listing.pages';
import { CUSTOMERS_STORE, CustomersStore } from './ports/customers-store.port';
import { RegistryNotFoundError } from './registry.errors';
import type { Change, Customer, CustomerChanges, NewCustomer } from './registry.model';

/** Customers: register, read, change, delete (only without history) and list. */
@Injectable()
export class CustomersService {
  constructor(@Inject(CUSTOMERS_STORE) private readonly store: CustomersStore) {}

  register(customer: NewCustomer): Promise<Change<Customer>> {
    return this.store.register(customer);
  }

  async get(id: string): Promise<Customer> {
    return (await this.store.get(id)) ?? notFound(id);
  }

  async update(id: string, changes: CustomerChanges): Promise<Change<Customer>> {
    return (await this.store.modify(id, () => changes)) ?? notFound(id);
  }

  async remove(id: string): Promise<Customer> {
    return (await this.store.remove(id)) ?? notFound(id);
  }

  list(query: Omit<CustomerListQuery, 'after'>, cursor?: string): Promise<Page<Customer>> {
    return paged(query, cursor, (q: CustomerListQuery) => this.store.list(q));
  }
}

function notFound(id: string): never {
  throw new RegistryNotFoundError('customer', id);
}
