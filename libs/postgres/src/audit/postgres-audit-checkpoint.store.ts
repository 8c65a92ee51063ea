import { Injectable } from '@nestjs/common';
import type { AuditCheckpoint, AuditCheckpointStore } from '@smartgrid/audit';
import { DataSource } from 'typeorm';
import { AUDIT_CHECKPOINT_COLUMNS, AuditCheckpointMapper, AuditCheckpointRow } from './audit-checkpoint.mapper';

/** The audit_checkpoints table (AuditCheckpointStore). Needs `auditMigrations`. */
@Injectable()
export class PostgresAuditCheckpointStore implements AuditCheckpointStore {
  constructor(private readonly dataSource: DataSource) {}

  async append(c: AuditCheckpoint): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, algorithm, signature) VALUES ($1, $2, $3, $4, $5, $6)',
      AuditCheckpointMapper.toPersistence(c),
    );
  }

  async list(limit: number, before?: number): Promise<{ checkpoint: AuditCheckpoint; cursor: number }[]> {
    const rows = (await (before === undefined
      ? this.dataSource.query(`SELECT id, ${AUDIT_CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT $1`, [limit])
      : this.dataSource.query(`SELECT id, ${AUDIT_CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE id < $2 ORDER BY id DESC LIMIT $1`, [limit, before]))) as (AuditCheckpointRow & {
      id: string;
    })[];
    return rows.map((r) => ({ checkpoint: AuditCheckpointMapper.toDomain(r), cursor: Number(r.id) }));
  }

  async all(): Promise<AuditCheckpoint[]> {
    const rows = (await this.dataSource.query(`SELECT ${AUDIT_CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY id`)) as AuditCheckpointRow[];
    return rows.map(AuditCheckpointMapper.toDomain);
  }

  async latest(): Promise<AuditCheckpoint | null> {
    const [row] = (await this.dataSource.query(`SELECT ${AUDIT_CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)) as AuditCheckpointRow[];
    return row ? AuditCheckpointMapper.toDomain(row) : null;
  }
}
