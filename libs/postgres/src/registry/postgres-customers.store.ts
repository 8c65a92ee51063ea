import { Injectable } from '@nestjs/common';
import {
  Change,
  Customer,
  CustomerChanges,
  CustomerListQuery,
  CustomersStore,
  ListResult,
  NewCustomer,
  RegistryConflictError,
  RegistryHasHistoryError,
} from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { registryCall } from './registry.errors';
import { ListingSpec, listingSql, pageOf, Params } from './registry-listing.query';
import { CustomerRow, RegistryMapper } from './registry.mapper';

const SELECT = `SELECT c.id, c.name, c.address, c.contact, c.status, c.created_at, c.updated_at FROM customers c`;

const LISTING: ListingSpec = {
  select: `${SELECT.replace(' FROM customers c', '{extra} FROM customers c')}`,
  alias: 'c',
  textColumns: ['c.id', 'c.name'],
  sorts: {
    id: { expr: 'c.id', type: 'text' },
    name: { expr: "COALESCE(c.name, '')", type: 'text' },
    status: { expr: 'c.status', type: 'text' },
    createdAt: { expr: 'c.created_at', type: 'timestamptz' },
    updatedAt: { expr: 'c.updated_at', type: 'timestamptz' },
  },
};

const COLUMNS: Record<keyof CustomerChanges, string> = { name: 'name', address: 'address', contact: 'contact', status: 'status' };

/** CustomersStore over `customers`. */
@Injectable()
export class PostgresCustomersStore implements CustomersStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  register(customer: NewCustomer): Promise<Change<Customer>> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, customer.id, true);
        if (before && before.status !== 'unregistered') throw new RegistryConflictError('customer', customer.id);
        const { id, ...fields } = customer;
        if (!before) {
          const inserted: unknown[] = await em.query('INSERT INTO customers (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [id]);
          if (inserted.length === 0) throw new RegistryConflictError('customer', id);
        }
        await this.update(em, id, fields);
        return { before, after: await this.find(em, id, false) };
      }),
    );
  }

  get(id: string): Promise<Customer | null> {
    return this.call(() => this.find(this.dataSource.manager, id, false));
  }

  modify(id: string, decide: (current: Customer) => CustomerChanges): Promise<Change<Customer> | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        const changed = await this.update(em, id, decide(before));
        return { before, after: changed ? await this.find(em, id, false) : before };
      }),
    );
  }

  remove(id: string): Promise<Customer | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        const [h]: { assignments: boolean; consumption: boolean }[] = await em.query(
          `SELECT EXISTS (SELECT 1 FROM meter_assignments WHERE customer_id = $1) AS assignments,
                  EXISTS (SELECT 1 FROM consumption_aggregates WHERE customer_id = $1)
               OR EXISTS (SELECT 1 FROM meter_readings WHERE customer_id = $1) AS consumption`,
          [id],
        );
        if (h!.assignments) throw new RegistryHasHistoryError('customer', id, 'meter assignments');
        if (h!.consumption) throw new RegistryHasHistoryError('customer', id, 'consumption');
        await em.query('DELETE FROM customers WHERE id = $1', [id]);
        return before;
      }),
    );
  }

  list(q: CustomerListQuery): Promise<ListResult<Customer>> {
    return this.call(async () => {
      const params = new Params();
      const sql = listingSql(LISTING, q, params);
      const rows: (CustomerRow & { sort_key: string | number | null })[] = await this.dataSource.query(sql, params.values);
      const page = pageOf(rows, q.limit);
      return { items: page.rows.map(RegistryMapper.customerToDomain), next: page.next };
    });
  }

  private async find(em: EntityManager, id: string, lock: boolean): Promise<Customer | null> {
    const rows: CustomerRow[] = await em.query(`${SELECT} WHERE c.id = $1${lock ? ' FOR NO KEY UPDATE' : ''}`, [id]);
    return rows[0] ? RegistryMapper.customerToDomain(rows[0]) : null;
  }

  private async update(em: EntityManager, id: string, changes: CustomerChanges): Promise<boolean> {
    const params = new Params();
    const idParam = params.add(id);
    const sets: string[] = [];
    for (const [key, value] of Object.entries(changes) as [keyof CustomerChanges, unknown][]) {
      if (value === undefined || !COLUMNS[key]) continue;
      sets.push(key === 'contact' ? `contact = ${params.add(JSON.stringify(value))}::jsonb` : `${COLUMNS[key]} = ${params.add(value)}`);
    }
    if (sets.length === 0) return false;
    await em.query(`UPDATE customers SET ${sets.join(', ')}, updated_at = now() WHERE id = ${idParam}`, params.values);
    return true;
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return registryCall(() => {
      this.connection.assertReady();
      return work();
    });
  }
}
