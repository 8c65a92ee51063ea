import { Injectable } from '@nestjs/common';
import type { AlarmRule, AlarmRulesStore, RuleDefinition } from '@smartgrid/events';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';
import { AlarmRuleRow, EventsMapper } from './events.mapper';

const COLUMNS = `id, builtin, name, description, enabled, selector, condition, clear_condition, severity, version, active_from,
  created_at, created_by, updated_at, updated_by`;

/** What decides which readings a rule judges: a change here moves its `active_from`. */
function evaluationOf(d: Pick<RuleDefinition, 'enabled' | 'selector' | 'condition' | 'clear'>): string {
  return JSON.stringify([d.enabled, d.selector, d.condition, d.clear]);
}

/** AlarmRulesStore over `alarm_rules`. */
@Injectable()
export class PostgresAlarmRulesStore implements AlarmRulesStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async list(): Promise<AlarmRule[]> {
    this.connection.assertReady();
    const rows: AlarmRuleRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM alarm_rules ORDER BY created_at, id`);
    return rows.map(EventsMapper.ruleToDomain);
  }

  async get(id: string): Promise<AlarmRule | null> {
    this.connection.assertReady();
    const rows: AlarmRuleRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM alarm_rules WHERE id = $1`, [id]);
    return rows[0] ? EventsMapper.ruleToDomain(rows[0]) : null;
  }

  async create(d: RuleDefinition, actor: string): Promise<AlarmRule> {
    this.connection.assertReady();
    const rows: AlarmRuleRow[] = await this.dataSource.query(
      `INSERT INTO alarm_rules (name, description, enabled, selector, condition, clear_condition, severity, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${COLUMNS}`,
      [d.name, d.description, d.enabled, JSON.stringify(d.selector), JSON.stringify(d.condition), JSON.stringify(d.clear), d.severity, actor],
    );
    return EventsMapper.ruleToDomain(rows[0]!);
  }

  async update(id: string, change: (current: AlarmRule) => RuleDefinition, actor: string): Promise<{ before: AlarmRule; after: AlarmRule } | null> {
    this.connection.assertReady();
    return this.dataSource.transaction(async (m) => {
      const rows: AlarmRuleRow[] = await m.query(`SELECT ${COLUMNS} FROM alarm_rules WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return null;
      const before = EventsMapper.ruleToDomain(rows[0]);
      const d = change(before);
      const moved = evaluationOf(d) !== evaluationOf(before);
      const updated: AlarmRuleRow[] = await m.query(
        // (CTEs so the driver hands back rows, not [rows, count] as for a bare UPDATE or DELETE.)
        `WITH changed AS (
           UPDATE alarm_rules
              SET name = $2, description = $3, enabled = $4, selector = $5, condition = $6, clear_condition = $7, severity = $8,
                  version = version + 1, active_from = CASE WHEN $9 THEN now() ELSE active_from END, updated_at = now(), updated_by = $10
            WHERE id = $1 RETURNING ${COLUMNS}
         )
         SELECT ${COLUMNS} FROM changed`,
        [id, d.name, d.description, d.enabled, JSON.stringify(d.selector), JSON.stringify(d.condition), JSON.stringify(d.clear), d.severity, moved, actor],
      );
      return { before, after: EventsMapper.ruleToDomain(updated[0]!) };
    });
  }

  async remove(id: string): Promise<AlarmRule | null> {
    this.connection.assertReady();
    const rows: AlarmRuleRow[] = await this.dataSource.query(`WITH gone AS (DELETE FROM alarm_rules WHERE id = $1 RETURNING ${COLUMNS}) SELECT ${COLUMNS} FROM gone`, [id]);
    return rows[0] ? EventsMapper.ruleToDomain(rows[0]) : null;
  }

  async changeMark(): Promise<string> {
    this.connection.assertReady();
    const rows: { mark: string }[] = await this.dataSource.query(
      `SELECT count(*)::text || '|' || coalesce(sum(version), 0)::text || '|' || coalesce(max(updated_at)::text, '') AS mark FROM alarm_rules`,
    );
    return rows[0]!.mark;
  }
}
