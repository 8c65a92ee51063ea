import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';

const ISO = { strict: true, strictSeparator: true } as const;

/** Both bounds are required: a deletion never defaults to "everything". */
export class DeletionRangeQuery {
  @ApiProperty({ description: 'Start (inclusive), ISO-8601 with zone', example: '2026-11-26T00:00:00Z' })
  @IsISO8601(ISO, { message: 'from must be an ISO-8601 date-time' })
  from!: string;

  @ApiProperty({ description: 'End (exclusive), ISO-8601 with zone', example: '2026-11-27T00:00:00Z' })
  @IsISO8601(ISO, { message: 'to must be an ISO-8601 date-time' })
  to!: string;
}
