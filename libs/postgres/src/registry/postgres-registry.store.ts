import { Change, KeysetPosition, RegistryConflictError, RegistryEntity, RegistryError, RegistryStatus } from '@smartgrid/registry';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { PgViolation, registryCall } from './registry.errors';
import { pageOf, Params } from './registry-listing.query';
import { pointSql, RegistryMapper } from './registry.mapper';

/**
 * What the customers, meters and sensors stores do alike: every call waits for no one (a
 * connection not ready fails at once) and maps its errors (registryCall, with the violations
 * the store explains); a change locks the record in a transaction, so two operators never
 * overwrite each other's reading of it. Each store says how it finds a record and which
 * columns its changes go to.
 */
export abstract class PostgresRegistryStore<T extends { status: RegistryStatus }, C extends object> {
  protected constructor(
    private readonly entity: RegistryEntity,
    private readonly table: string,
    protected readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
    private readonly explain?: (v: PgViolation) => RegistryError | undefined,
  ) {}

  /** The record, or null; `lock` holds it (FOR NO KEY UPDATE) until the transaction ends. */
  protected abstract find(em: EntityManager, id: string, lock: boolean): Promise<T | null>;

  /** Applies the given fields (absent keys untouched); false when there was nothing to change. */
  protected abstract update(em: EntityManager, id: string, changes: C): Promise<boolean>;

  get(id: string): Promise<T | null> {
    return this.call(() => this.find(this.dataSource.manager, id, false));
  }

  modify(id: string, decide: (current: T) => C): Promise<Change<T> | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        const changed = await this.update(em, id, decide(before));
        return { before, after: changed ? await this.find(em, id, false) : before };
      }),
    );
  }

  /**
   * Registers a record, or completes one ingest created first (status unregistered); a
   * registered one is a conflict. `insertBare` adds the row with only what NOT NULL needs
   * (empty when another registration got there first); `complete` then writes the fields.
   */
  protected registerRecord(
    id: string,
    insertBare: (em: EntityManager) => Promise<unknown[]>,
    complete: (em: EntityManager, before: T | null) => Promise<unknown>,
  ): Promise<Change<T>> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (before && before.status !== 'unregistered') throw new RegistryConflictError(this.entity, id);
        if (!before && (await insertBare(em)).length === 0) throw new RegistryConflictError(this.entity, id);
        await complete(em, before);
        return { before, after: await this.find(em, id, false) };
      }),
    );
  }

  /** Deletes a record once `refuse` found nothing that must keep it (it throws the error saying what); null when there is none. */
  protected removeRecord(id: string, refuse: (em: EntityManager) => Promise<void>): Promise<T | null> {
    return this.call(() =>
      this.dataSource.transaction(async (em) => {
        const before = await this.find(em, id, true);
        if (!before) return null;
        await refuse(em);
        await em.query(`DELETE FROM ${this.table} WHERE id = $1`, [id]);
        return before;
      }),
    );
  }

  /** One page of a listing (rows fetched one past the limit, to know whether another follows). */
  protected async listPage<R extends { id: string; sort_key: string | number | null }, D>(
    sql: string,
    params: Params,
    limit: number,
    toDomain: (row: R) => D,
  ): Promise<{ items: D[]; next: KeysetPosition | null }> {
    const rows: R[] = await this.dataSource.query(sql, params.values);
    const page = pageOf(rows, limit);
    return { items: page.rows.map(toDomain), next: page.next };
  }

  /**
   * `UPDATE` of the table with the given fields: `location` as a point, a plain object as jsonb,
   * dates as timestamps, other values as they are; keys without a column are skipped.
   * `extraSets` adds assignments that follow from which keys were set. False when nothing was.
   */
  protected async updateColumns(
    em: EntityManager,
    id: string,
    changes: C,
    columns: Partial<Record<keyof C, string>>,
    extraSets?: (setKeys: (keyof C)[], params: Params) => string[],
  ): Promise<boolean> {
    const params = new Params();
    const idParam = params.add(id);
    const sets: string[] = [];
    const setKeys: (keyof C)[] = [];
    for (const [key, value] of Object.entries(changes) as [keyof C & string, unknown][]) {
      if (value === undefined) continue;
      if (key === 'location') {
        const [lon, lat] = RegistryMapper.locationToPersistence(value as { lat: number; lon: number } | null);
        sets.push(lon === null ? 'location = NULL' : `location = ${pointSql(params.add(lon), params.add(lat))}`);
      } else {
        const column = columns[key];
        if (!column) continue;
        if (value instanceof Date) sets.push(`${column} = ${params.add(RegistryMapper.dateToPersistence(value))}`);
        else if (value !== null && typeof value === 'object') sets.push(`${column} = ${params.add(JSON.stringify(value))}::jsonb`);
        else sets.push(`${column} = ${params.add(value)}`);
      }
      setKeys.push(key);
    }
    if (sets.length === 0) return false;
    sets.push(...(extraSets?.(setKeys, params) ?? []));
    await em.query(`UPDATE ${this.table} SET ${sets.join(', ')}, updated_at = now() WHERE id = ${idParam}`, params.values);
    return true;
  }

  protected call<R>(work: () => Promise<R>): Promise<R> {
    return registryCall(() => {
      this.connection.assertReady();
      return work();
    }, this.explain);
  }
}
