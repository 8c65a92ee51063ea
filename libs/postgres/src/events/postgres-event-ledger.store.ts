import { Injectable } from '@nestjs/common';
import { eventFromJson } from '@smartgrid/events';
import type { DeliveryTarget, DeliveryTargetStatus, EventLedger, EventOrigin, GridEvent, PendingDelivery } from '@smartgrid/events';
import { DataSource } from 'typeorm';
import { claimLeased, LeaseClaim, MAX_ERROR_TEXT, releaseLeased } from '../leased-queue.sql';
import { PostgresConnection } from '../postgres.connection';
import { insertEvents } from './event-rows.util';

interface DeliveryRow {
  id: string;
  target: DeliveryTarget;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
}

/** Pending entries of one target ($1), each with its event's payload. */
const CLAIM: LeaseClaim = {
  table: 'grid_event_deliveries',
  where: "target = $1 AND state = 'pending'",
  returning: ['id', 'event_id', 'target', 'attempts', 'created_at'],
  select: `SELECT l.id, l.target, l.attempts, l.created_at, e.payload
             FROM leased l JOIN grid_events e ON e.event_id = l.event_id
            ORDER BY l.id`,
};

/**
 * EventLedger over `grid_events` and `grid_event_deliveries`. Claims lease entries under
 * FOR UPDATE SKIP LOCKED; `leased_until` doubles as the next attempt's time after a failure.
 */
@Injectable()
export class PostgresEventLedger implements EventLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async record(events: readonly GridEvent[], origin: EventOrigin): Promise<GridEvent[]> {
    if (events.length === 0) return [];
    this.connection.assertReady();
    const fresh = await this.dataSource.transaction((m) => insertEvents(m, events, origin));
    return events.filter((e) => fresh.has(e.eventId));
  }

  async claim(target: DeliveryTarget, limit: number, leaseMs: number): Promise<PendingDelivery[]> {
    this.connection.assertReady();
    const rows = await claimLeased<DeliveryRow>(this.dataSource, CLAIM, target, limit, leaseMs);
    return rows.map((r) => ({ id: String(r.id), target: r.target, event: eventFromJson(r.payload), attempts: r.attempts, createdAt: r.created_at }));
  }

  async complete(target: DeliveryTarget, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    this.connection.assertReady();
    await this.dataSource.query("DELETE FROM grid_event_deliveries WHERE target = $1 AND event_id = ANY($2::uuid[]) AND state = 'pending'", [
      target,
      [...eventIds],
    ]);
  }

  async release(d: PendingDelivery, outcome: { error: string; attempts: number; retryAt: Date | null }): Promise<void> {
    await releaseLeased(this.dataSource, 'grid_event_deliveries', d.id, outcome);
  }

  async refuse(target: DeliveryTarget, eventIds: readonly string[], reason: string): Promise<void> {
    if (eventIds.length === 0) return;
    await this.dataSource.query(
      "UPDATE grid_event_deliveries SET state = 'refused', last_error = $3, leased_until = NULL WHERE target = $1 AND event_id = ANY($2::uuid[])",
      [target, [...eventIds], reason.slice(0, MAX_ERROR_TEXT)],
    );
  }

  async status(): Promise<DeliveryTargetStatus[]> {
    this.connection.assertReady();
    const rows: { target: DeliveryTarget; pending: string; refused: string; oldest: Date | null }[] = await this.dataSource.query(
      `SELECT target, count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'refused') AS refused,
              min(created_at) FILTER (WHERE state = 'pending') AS oldest
         FROM grid_event_deliveries GROUP BY target`,
    );
    const by = new Map(rows.map((r) => [r.target, r]));
    return (['cassandra', 'mongodb', 'kafka'] as const).map((t) => {
      const r = by.get(t);
      return { target: t, pending: Number(r?.pending ?? 0), refused: Number(r?.refused ?? 0), oldestPendingAt: r?.oldest ?? null };
    });
  }

  async prune(before: Date): Promise<number> {
    this.connection.assertReady();
    // Only events every target has taken (no entry left, pending or refused).
    // (A CTE so the driver hands back rows, not [rows, count] as for a bare DELETE.)
    const rows: { n: string }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM grid_events e WHERE e.recorded_at < $1
            AND NOT EXISTS (SELECT 1 FROM grid_event_deliveries d WHERE d.event_id = e.event_id)
         RETURNING 1
       )
       SELECT count(*) AS n FROM gone`,
      [before.toISOString()],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
