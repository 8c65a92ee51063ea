import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGISTRY_STATUSES } from '@smartgrid/registry';
import type { Meter, MeterAssignment, MeterDetail, RegistryStatus } from '@smartgrid/registry';
import { LocationView } from '../registry/registry.responses';

// Response bodies of the meter registry routes.

export class MeterView {
  @ApiProperty({ example: 'M-2001' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) serial!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: LocationView, nullable: true }) location!: LocationView | null;
  @ApiProperty({ enum: REGISTRY_STATUSES }) status!: RegistryStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) installedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decommissionedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: 'Customer assigned now' }) customerId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Timestamp of the newest reading' }) lastSeenAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
  @ApiPropertyOptional({ description: 'Metres from the near point (listings with near)' }) distance_m?: number;
}

export class MeterAssignmentView {
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: since the beginning' }) from!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Start of the next assignment; null: in force' }) until!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ description: 'Username, or ingest for the assignment made when the meter was first seen' }) createdBy!: string;
}

export class CustomerMismatchView {
  @ApiProperty() readingCustomerId!: string;
  @ApiProperty() registryCustomerId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) firstReadingAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) lastReadingAt!: Date;
  @ApiProperty() readings!: number;
}

export class MeterLatestView {
  @ApiProperty({ type: String, format: 'date-time' }) timestamp!: Date;
  @ApiProperty() customerId!: string;
  @ApiProperty() energyKwh!: number;
  @ApiProperty({ type: Number, nullable: true }) powerKw!: number | null;
  @ApiProperty({ type: Number, nullable: true }) voltage!: number | null;
}

export class MeterDetailView extends MeterView {
  @ApiProperty({ type: [MeterAssignmentView], description: 'Oldest first' }) assignments!: MeterAssignmentView[];
  @ApiProperty({ type: [CustomerMismatchView], description: "Readings that named another customer than the registry's" }) customerMismatches!: CustomerMismatchView[];
  @ApiProperty({ type: MeterLatestView, nullable: true }) latest!: MeterLatestView | null;
}

export class MeterPage {
  @ApiProperty({ type: [MeterView] }) items!: MeterView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class AssignmentsResponse {
  @ApiProperty() meterId!: string;
  @ApiProperty({ type: [MeterAssignmentView], description: 'The history after the change, oldest first' }) assignments!: MeterAssignmentView[];
}

export function meterView(m: Meter): MeterView {
  const { distanceM, ...rest } = m;
  return distanceM === undefined ? rest : { ...rest, distance_m: distanceM };
}

export function meterDetailView(m: MeterDetail): MeterDetailView {
  return { ...meterView(m), assignments: m.assignments, customerMismatches: m.customerMismatches, latest: m.latest };
}

export function assignmentsResponse(meterId: string, assignments: MeterAssignment[]): AssignmentsResponse {
  return { meterId, assignments };
}
