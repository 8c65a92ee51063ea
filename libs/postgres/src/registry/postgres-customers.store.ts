import { Injectable } from '@nestjs/common';
import { Change, Customer, CustomerChanges, CustomerListQuery, CustomersStore, ListResult, NewCustomer, RegistryHasHistoryError } from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { PostgresRegistryStore } from './postgres-registry.store';
import { ListingSpec, listingSql, Params, recordSorts } from './registry-listing.query';
import { CustomerRow, RegistryMapper } from './registry.mapper';

const SELECT = `SELECT c.id, c.name, c.address, c.contact, c.status, c.created_at, c.updated_at FROM customers c`;

const LISTING: ListingSpec = {
  select: `${SELECT.replace(' FROM customers c', '{extra} FROM customers c')}`,
  alias: 'c',
  textColumns: ['c.id', 'c.name'],
  sorts: recordSorts('c'),

};

const COLUMNS: Record<keyof CustomerChanges, string> = { name: 'name', address: 'address', contact: 'contact', status: 'status' };

/** CustomersStore over `customers`. */
@Injectable()
export class PostgresCustomersStore extends PostgresRegistryStore<Customer, CustomerChanges> implements CustomersStore {
  constructor(dataSource: DataSource, connection: PostgresConnection) {
    super('customer', 'customers', dataSource, connection);
  }

  register(customer: NewCustomer): Promise<Change<Customer>> {
    const { id, ...fields } = customer;
    return this.registerRecord(
      id,
      (em) => em.query('INSERT INTO customers (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [id]),
      (em) => this.update(em, id, fields),
    );
  }

  remove(id: string): Promise<Customer | null> {
    return this.removeRecord(id, async (em) => {
      const [h]: { assignments: boolean; consumption: boolean }[] = await em.query(
        `SELECT EXISTS (SELECT 1 FROM meter_assignments WHERE customer_id = $1) AS assignments,
                EXISTS (SELECT 1 FROM consumption_aggregates WHERE customer_id = $1)
             OR EXISTS (SELECT 1 FROM meter_readings WHERE customer_id = $1) AS consumption`,
        [id],
      );
      if (h!.assignments) throw new RegistryHasHistoryError('customer', id, 'meter assignments');
      if (h!.consumption) throw new RegistryHasHistoryError('customer', id, 'consumption');
    });
  }

  list(q: CustomerListQuery): Promise<ListResult<Customer>> {
    return this.call(async () => {
      const params = new Params();
      return this.listPage(listingSql(LISTING, q, params), params, q.limit, (r: CustomerRow & { sort_key: string | number | null }) => RegistryMapper.customerToDomain(r));
    });
  }

  protected async find(em: EntityManager, id: string, lock: boolean): Promise<Customer | null> {
    const rows: CustomerRow[] = await em.query(`${SELECT} WHERE c.id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows[0] ? RegistryMapper.customerToDomain(rows[0]) : null;
  }

  protected update(em: EntityManager, id: string, changes: CustomerChanges): Promise<boolean> {
    return this.updateColumns(em, id, changes, COLUMNS);
  }

}
