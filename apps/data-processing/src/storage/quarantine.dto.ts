import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { OptionalString, PageLimit } from '@smartgrid/http';

export const MAX_QUARANTINE_PAGE = 200;

export class QuarantineQuery {
  @ApiPropertyOptional({ enum: ['postgres', 'cassandra'], description: 'Only rows refused by this store' })
  @IsOptional()
  @IsIn(['postgres', 'cassandra'])
  target?: 'postgres' | 'cassandra';

  @PageLimit(MAX_QUARANTINE_PAGE, { default: 50, description: 'Entries per page, oldest first' })
  limit?: number;

  @OptionalString({ description: 'nextCursor of the previous page' }, Length(1, 2000))
  cursor?: string;
}

export class QuarantineIdParams {
  @ApiProperty({ description: 'Quarantine entry id: `<store holding it>.<id there>`', example: 'cassandra.2f1c6e80-cf3a-11f0-8de9-0242ac120002' })
  @IsString()
  @Length(3, 200)
  @Matches(/^(postgres|cassandra)\.[A-Za-z0-9-]+$/, { message: 'id must look like <postgres|cassandra>.<id>' })
  id!: string;
}
