import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGISTRY_STATUSES } from '@smartgrid/registry';
import type { RegistryStatus } from '@smartgrid/registry';

export class ContactView {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() phone?: string;
}

export class CustomerView {
  @ApiProperty({ example: 'C-301' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: ContactView }) contact!: ContactView;
  @ApiProperty({ enum: REGISTRY_STATUSES }) status!: RegistryStatus;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerView] }) items!: CustomerView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
