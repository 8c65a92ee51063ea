import { Injectable } from '@nestjs/common';
import type { Transaction } from '@smartgrid/audit';
import { decodeRevocation, TokenRevocation } from '@smartgrid/auth';
import type { TokenRevocationOutbox } from '@smartgrid/users';
import { DataSource } from 'typeorm';
import { managerOf } from '../postgres.transaction';

/** The token_revocation_outbox table (TokenRevocationOutbox). Needs `usersMigrations`. */
@Injectable()
export class PostgresTokenRevocationOutbox implements TokenRevocationOutbox {
  constructor(private readonly dataSource: DataSource) {}

  async add(revocations: readonly TokenRevocation[], tx: Transaction): Promise<void> {
    if (revocations.length === 0) return;
    await managerOf(this.dataSource, tx).query(
      'INSERT INTO token_revocation_outbox (revocation) SELECT r::jsonb FROM unnest($1::text[]) AS r',
      [revocations.map((r) => JSON.stringify(r))],
    );
  }

  async batch(limit: number): Promise<{ id: number; revocation: TokenRevocation }[]> {
    const rows = (await this.dataSource.query('SELECT id, revocation::text AS revocation FROM token_revocation_outbox ORDER BY id LIMIT $1', [limit])) as {
      id: string;
      revocation: string;
    }[];
    const out: { id: number; revocation: TokenRevocation }[] = [];
    for (const r of rows) {
      // Written by add() above; a row that does not parse cannot be published and is dropped.
      const revocation = decodeRevocation(r.revocation);
      if (revocation) out.push({ id: Number(r.id), revocation });
      else await this.remove([Number(r.id)]);
    }
    return out;
  }

  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query('DELETE FROM token_revocation_outbox WHERE id = ANY($1::bigint[])', [[...ids]]);
  }
}
