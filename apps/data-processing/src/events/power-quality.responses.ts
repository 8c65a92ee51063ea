import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StoreFailureView } from './alarms.responses';

const dateTime = { type: String, format: 'date-time' } as const;

export class ReportPeriodView {
  @ApiProperty({ enum: ['week', 'year'] }) kind!: 'week' | 'year';
  @ApiProperty({ example: '2026-W47' }) label!: string;
  @ApiProperty(dateTime) from!: Date;
  @ApiProperty({ ...dateTime, description: 'Exclusive' }) to!: Date;
}

export class LimitResultView {
  @ApiProperty({ example: 'Un ± 10 %' }) name!: string;
  @ApiProperty() low!: number;
  @ApiProperty() high!: number;
  @ApiProperty({ description: 'Share of the measured intervals that must lie within [low, high], in percent' }) requiredPercent!: number;
  @ApiProperty() intervalsWithin!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Percent of the measured intervals within (4 decimals)' }) percentWithin!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null without measurements' }) pass!: boolean | null;
}

export class IntervalMeanView {
  @ApiProperty(dateTime) start!: Date;
  @ApiProperty() mean!: number;
  @ApiProperty() readings!: number;
}

export class PowerQualityResponse {
  @ApiProperty() sensorId!: string;
  @ApiProperty({ enum: ['voltage', 'frequency'] }) sensorType!: 'voltage' | 'frequency';
  @ApiProperty({ type: ReportPeriodView }) period!: ReportPeriodView;
  @ApiProperty() nominal!: number;
  @ApiProperty() unit!: string;
  @ApiProperty({ description: '600 (voltage: 10-minute means) or 10 (frequency: 10-second means)' }) intervalSeconds!: number;
  @ApiProperty({ description: 'Intervals of the period elapsed so far' }) expected!: number;
  @ApiProperty({ description: 'Intervals with at least one reading' }) measured!: number;
  @ApiProperty({ description: 'Elapsed intervals without data (not counted as passing or failing)' }) missing!: number;
  @ApiProperty({ description: 'Intervals of the period still to come' }) notElapsed!: number;
  @ApiProperty({ type: [LimitResultView] }) limits!: LimitResultView[];
  @ApiProperty({ type: Number, nullable: true }) min!: number | null;
  @ApiProperty({ type: Number, nullable: true }) max!: number | null;
  @ApiProperty({ enum: ['pass', 'fail', 'no_data'] }) verdict!: 'pass' | 'fail' | 'no_data';
  @ApiProperty({ description: 'How the means were computed, and from which store' }) method!: string;
  @ApiProperty({ enum: ['postgres', 'cassandra'] }) source!: 'postgres' | 'cassandra';
  @ApiProperty({ type: [StoreFailureView] }) failed!: StoreFailureView[];
  @ApiProperty({ description: 'PostgreSQL has replication work pending: readings only Cassandra holds yet are missing from the figures' }) behind!: boolean;
  @ApiPropertyOptional({ type: [IntervalMeanView], description: 'Voltage weeks: the 10-minute means, oldest first (intervals without data absent)' })
  means?: IntervalMeanView[];
}
