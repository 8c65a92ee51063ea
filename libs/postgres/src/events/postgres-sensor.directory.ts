import { Injectable } from '@nestjs/common';
import type { SensorDescription, SensorDirectory } from '@smartgrid/events';
import { DataSource } from 'typeorm';
import { PostgresConnection } from '../postgres.connection';

/** Sensors as rules select them: type and metadata from the `sensors` table (merged from readings). */
@Injectable()
export class PostgresSensorDirectory implements SensorDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: PostgresConnection,
  ) {}

  async describe(sensorIds: readonly string[]): Promise<Map<string, SensorDescription>> {
    this.connection.assertReady();
    const rows: { id: string; sensor_type: string | null; metadata: Record<string, unknown> | null }[] = await this.dataSource.query(
      'SELECT id, sensor_type, metadata FROM sensors WHERE id = ANY($1::text[])',
      [[...sensorIds]],
    );
    return new Map(rows.map((r) => [r.id, { sensorId: r.id, sensorType: r.sensor_type, metadata: r.metadata ?? {} }]));
  }
}
