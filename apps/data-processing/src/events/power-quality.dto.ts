import { Length } from 'class-validator';
import { OptionalString } from '@smartgrid/http';

export class PowerQualityQuery {
  @OptionalString({ description: 'ISO week (Monday 00:00 UTC to the next Monday)', example: '2026-W47' }, Length(1, 16))
  week?: string;

  @OptionalString({ description: 'Calendar year (UTC), as the standard states the frequency limits', example: '2026' }, Length(1, 8))
  year?: string;
}
