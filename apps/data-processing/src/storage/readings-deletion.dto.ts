import { Instant } from '@smartgrid/http';

/** Both bounds are required: a deletion never defaults to "everything". */
export class DeletionRangeQuery {
  @Instant({ description: 'Start (inclusive), ISO-8601 with zone', example: '2026-11-26T00:00:00Z' })
  from!: string;

  @Instant({ description: 'End (exclusive), ISO-8601 with zone', example: '2026-11-27T00:00:00Z' })
  to!: string;
}
