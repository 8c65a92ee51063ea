import { Inject, Injectable } from '@nestjs/common';
import type { CustomerListQuery } from './listing/list-query.model';
import { CUSTOMERS_STORE, CustomersStore } from './ports/customers-store.port';
import type { Change, Customer, CustomerChanges, NewCustomer } from './registry.model';
import { RegistryRecordsService } from './registry-records.service';

/** Customers: register, read, change, delete (only without history) and list. */
@Injectable()
export class CustomersService extends RegistryRecordsService<Customer, CustomerChanges, CustomerListQuery> {
  constructor(@Inject(CUSTOMERS_STORE) private readonly store: CustomersStore) {
    super(store, 'customer');
  }

  register(customer: NewCustomer): Promise<Change<Customer>> {
    return this.store.register(customer);
  }

  async update(id: string, changes: CustomerChanges): Promise<Change<Customer>> {
    return (await this.store.modify(id, () => changes)) ?? this.notFound(id);
  }

  async remove(id: string): Promise<Customer> {
    return (await this.store.remove(id)) ?? this.notFound(id);
  }
}
