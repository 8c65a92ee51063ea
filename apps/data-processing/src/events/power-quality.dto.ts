import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class PowerQualityQuery {
  @ApiPropertyOptional({ description: 'ISO week (Monday 00:00 UTC to the next Monday)', example: '2026-W47' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  week?: string;

  @ApiPropertyOptional({ description: 'Calendar year (UTC), as the standard states the frequency limits', example: '2026' })
  @IsOptional()
  @IsString()
  @Length(1, 8)
  year?: string;
}
