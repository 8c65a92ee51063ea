import { ApiProperty } from '@nestjs/swagger';

// Response bodies of /api/customers.

export class ConsumptionPeriodView {
  @ApiProperty({ description: 'YYYY-MM-DD (day) or YYYY-MM (month), UTC', example: '2026-11-26' }) period!: string;
  @ApiProperty() consumptionKwh!: number;
  @ApiProperty({ description: 'Meters that contributed' }) meters!: number;
  @ApiProperty() readings!: number;
  @ApiProperty({ description: 'Times a register went backwards (replaced or reset meter)' }) registerResets!: number;
}

export class ConsumptionResponse {
  @ApiProperty() customerId!: string;
  @ApiProperty({ enum: ['day', 'month'] }) interval!: 'day' | 'month';
  @ApiProperty({ format: 'date', description: 'First UTC day (inclusive)' }) fromDay!: string;
  @ApiProperty({ format: 'date', description: 'Last UTC day (exclusive)' }) toDay!: string;
  @ApiProperty() totalKwh!: number;
  @ApiProperty({ type: [ConsumptionPeriodView] }) periods!: ConsumptionPeriodView[];
}
