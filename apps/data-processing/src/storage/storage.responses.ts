import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { STORE_NAMES, StoreName, WRITE_TARGETS } from '@smartgrid/hybrid-storage';

// Response bodies of /api/storage.

const dateTime = { type: String, format: 'date-time' } as const;

export class StoreHealthView {
  @ApiProperty({ enum: ['up', 'down', 'not_configured'] }) status!: 'up' | 'down' | 'not_configured';
  @ApiPropertyOptional() latencyMs?: number;
  @ApiPropertyOptional() error?: string;
}

export class StoreHealthByNameView {
  @ApiProperty() postgres!: StoreHealthView;
  @ApiProperty() cassandra!: StoreHealthView;
}

export class BacklogTargetView {
  @ApiProperty() entries!: number;
  @ApiProperty() rows!: number;
  @ApiProperty({ ...dateTime, nullable: true }) oldestCreatedAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true }) oldestAgeMs!: number | null;
}

export class BacklogTargetsView {
  @ApiProperty({ description: 'Rows PostgreSQL missed' }) postgres!: BacklogTargetView;
  @ApiProperty({ description: 'Rows Cassandra missed' }) cassandra!: BacklogTargetView;
}

export class BacklogUnreachableView {
  @ApiProperty({ enum: STORE_NAMES, description: 'Store holding the backlog that could not be read' }) location!: StoreName;
  @ApiProperty() error!: string;
}

export class BacklogStatusView {
  @ApiProperty() entries!: number;
  @ApiProperty() rows!: number;
  @ApiProperty({ type: Number, nullable: true }) oldestAgeMs!: number | null;
  @ApiProperty() targets!: BacklogTargetsView;
  @ApiProperty({ type: [BacklogUnreachableView], description: 'Backlogs whose depth is unknown (their store is down)' }) unreachable!: BacklogUnreachableView[];
  @ApiProperty(dateTime) checkedAt!: Date;
}

export class TopicCountsView {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Offset span on the broker (high − low watermark; null when Kafka did not answer): the message count of a plain topic, an upper bound for a dead-letter topic (transaction markers)',
  })
  offsets!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Consumed topics: messages the ingest group has not committed' }) lag?: number | null;
  @ApiPropertyOptional() error?: string;
}

export class QuarantineTargetView {
  @ApiProperty() entries!: number;
  @ApiProperty() rows!: number;
  @ApiProperty({ ...dateTime, nullable: true }) oldestQuarantinedAt!: Date | null;
}

export class QuarantineTargetsView {
  @ApiProperty({ description: 'Rows PostgreSQL refused' }) postgres!: QuarantineTargetView;
  @ApiProperty({ description: 'Rows Cassandra refused' }) cassandra!: QuarantineTargetView;
}

export class QuarantineStatusView {
  @ApiProperty() entries!: number;
  @ApiProperty() rows!: number;
  @ApiProperty({ type: Number, nullable: true }) oldestAgeMs!: number | null;
  @ApiProperty() targets!: QuarantineTargetsView;
  @ApiProperty({ type: [BacklogUnreachableView], description: 'Quarantines that could not be read (their store is down)' }) unreachable!: BacklogUnreachableView[];
}

/** `{ error }` in place of a part of the status that could not be read. */
export class StatusPartErrorView {
  @ApiProperty({ description: 'Why this part could not be read' }) error!: string;
}

const topicCounts = { type: 'object', additionalProperties: { $ref: getSchemaPath(TopicCountsView) } } as const;

@ApiExtraModels(TopicCountsView)
export class IngestStatusView {
  @ApiProperty({ type: String, nullable: true, description: 'Ingest consumer group (null when ingest is disabled)' }) groupId!: string | null;
  @ApiProperty({ ...topicCounts, description: 'By logical topic' }) topics!: Record<string, TopicCountsView>;
}

@ApiExtraModels(BacklogStatusView, QuarantineStatusView, StatusPartErrorView, TopicCountsView)
export class StorageStatusResponse {
  @ApiProperty(dateTime) checkedAt!: Date;
  @ApiProperty() stores!: StoreHealthByNameView;
  @ApiProperty({ enum: WRITE_TARGETS, description: 'Target of writes that name none' }) defaultWriteTarget!: string;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(BacklogStatusView) }, { $ref: getSchemaPath(StatusPartErrorView) }] })
  backlog!: BacklogStatusView | StatusPartErrorView;
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(QuarantineStatusView) }, { $ref: getSchemaPath(StatusPartErrorView) }], description: 'Rows a store refused, set aside' })
  quarantine!: QuarantineStatusView | StatusPartErrorView;
  @ApiProperty({ ...topicCounts, description: 'By dead-letter topic' }) deadLetters!: Record<string, TopicCountsView>;
  @ApiProperty() ingest!: IngestStatusView;
}

export class ReplayTargetView {
  @ApiProperty({ enum: STORE_NAMES }) target!: StoreName;
  @ApiProperty({
    enum: ['drained', 'unhealthy', 'failed', 'stopped'],
    description: 'drained: every entry due was replayed or quarantined; unhealthy: the target did not answer; failed: a backlog could not be updated',
  })
  state!: 'drained' | 'unhealthy' | 'failed' | 'stopped';
  @ApiProperty({ description: 'Entries that left the backlog (replayed, or their refused rows quarantined)' }) entries!: number;
  @ApiProperty({ description: 'Rows now in the target' }) rows!: number;
  @ApiProperty({ description: 'Rows the target refused, set aside in quarantine' }) quarantinedRows!: number;
  @ApiProperty({ description: 'Entries that failed while the target answered, waiting for their next attempt' }) deferred!: number;
  @ApiPropertyOptional() error?: string;
}

export class ReplayReportResponse {
  @ApiProperty(dateTime) startedAt!: Date;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: [ReplayTargetView] }) targets!: ReplayTargetView[];
}

export class StoreDaySummaryView {
  @ApiProperty() count!: number;
  @ApiProperty() checksum!: string;
}

export class StoreCountsView {
  @ApiProperty() postgres!: number;
  @ApiProperty() cassandra!: number;
}

export class ReconcileSamplesView {
  @ApiProperty({ type: [String] }) missingInPostgres!: string[];
  @ApiProperty({ type: [String] }) missingInCassandra!: string[];
  @ApiProperty({ type: [String] }) mismatched!: string[];
}

export class ReconcileRepairView extends StoreCountsView {
  @ApiProperty({ description: 'Range deletions the repair applied to the store that had not received them' }) deletionsApplied!: number;
  @ApiProperty({ description: 'Whether the unit matched after the repair' }) verified!: boolean;
}

export class ReconcileUnitView {
  @ApiProperty({ enum: ['sensor', 'meter'] }) kind!: 'sensor' | 'meter';
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date', description: 'UTC day' }) day!: string;
  @ApiProperty() postgres!: StoreDaySummaryView;
  @ApiProperty() cassandra!: StoreDaySummaryView;
  @ApiProperty({ description: 'Rows present in the other store only' }) missingIn!: StoreCountsView;
  @ApiProperty({ description: 'Keys in both stores with different content' }) mismatched!: number;
  @ApiProperty({ description: 'Rows a store still holds although a range deletion covers them (not compared; repair applies the deletion)' }) deletedPending!: StoreCountsView;
  @ApiProperty() inSync!: boolean;
  @ApiPropertyOptional({ description: 'Up to five timestamps of each difference' }) samples?: ReconcileSamplesView;
  @ApiPropertyOptional() repaired?: ReconcileRepairView;
}

export class ReconcileTotalsView {
  @ApiProperty() units!: number;
  @ApiProperty() outOfSync!: number;
  @ApiProperty() rows!: StoreCountsView;
  @ApiProperty() missingIn!: StoreCountsView;
  @ApiProperty() mismatched!: number;
  @ApiProperty({ description: 'Rows held past a range deletion that has not reached that store yet' }) deletedPending!: StoreCountsView;
  @ApiProperty() repaired!: StoreCountsView;
}

export class ReconcileResponse {
  @ApiProperty(dateTime) from!: Date;
  @ApiProperty(dateTime) to!: Date;
  @ApiProperty() totals!: ReconcileTotalsView;
  @ApiProperty({ type: [ReconcileUnitView], description: 'Units that differ (at most 200)' }) outOfSync!: ReconcileUnitView[];
  @ApiProperty({ description: 'Units listed in outOfSync' }) listed!: number;
  @ApiProperty() durationMs!: number;
}
