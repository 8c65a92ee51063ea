import { ApiPropertyOptional } from '@nestjs/swagger';
import { ALARM_STATUSES, EVENT_TYPE_LIST, SEVERITIES } from '@smartgrid/events';
import type { AlarmStatus, EventType, Severity } from '@smartgrid/events';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { OptionalInstant } from '@smartgrid/http';

export const MAX_PAGE = 500;

class PagedRangeQuery {
  @OptionalInstant({ description: 'Start (inclusive), ISO-8601 with zone', example: '2026-11-26T00:00:00Z' })
  from?: string;

  @OptionalInstant({ description: 'End (exclusive), ISO-8601 with zone', example: '2026-11-27T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 100, description: 'Per page, newest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (keeps the walk on the same store)' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Only this sensor or meter' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(/^[^\u0000-\u001f\u007f]+$/, { message: 'source_id must not contain control characters' })
  source_id?: string;
}

export class AlarmsQuery extends PagedRangeQuery {
  @ApiPropertyOptional({ enum: ALARM_STATUSES })
  @IsOptional()
  @IsIn(ALARM_STATUSES)
  status?: AlarmStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;
}

export class EventsQuery extends PagedRangeQuery {
  @ApiPropertyOptional({ enum: EVENT_TYPE_LIST })
  @IsOptional()
  @IsIn(EVENT_TYPE_LIST)
  type?: EventType;
}

export class AlarmActionBody {
  @ApiPropertyOptional({ description: "The operator's note, kept with the alarm and in its event", maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
