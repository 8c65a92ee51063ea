import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALARM_STATUSES, EVENT_TYPE_LIST, SEVERITIES } from '@smartgrid/events';
import type { AlarmKind, AlarmStatus, EventType, Severity, SourceKind } from '@smartgrid/events';

const dateTime = { type: String, format: 'date-time' } as const;
const nullableDate = { type: String, format: 'date-time', nullable: true } as const;
const object = { type: 'object', additionalProperties: true } as const;

export class AlarmNoteView {
  @ApiProperty(dateTime) at!: Date;
  @ApiProperty() by!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ enum: ['acknowledge', 'clear'] }) action!: 'acknowledge' | 'clear';
}

/** What every event of an alarm says about it (its state as of the event). */
export class AlarmSnapshotView {
  @ApiProperty({ format: 'uuid' }) alarmId!: string;
  @ApiProperty({ enum: ['rule', 'meter.no_data'] }) kind!: AlarmKind;
  @ApiProperty({ type: String, nullable: true }) ruleId!: string | null;
  @ApiProperty({ type: String, nullable: true }) ruleName!: string | null;
  @ApiProperty({ enum: ALARM_STATUSES }) status!: AlarmStatus;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ ...dateTime, description: 'First reading of the run that raised it' }) episodeStartedAt!: Date;
  @ApiProperty(dateTime) raisedAt!: Date;
  @ApiProperty(nullableDate) acknowledgedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty(nullableDate) clearedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, description: '`rule` when its clear condition ended it, `system` for the watcher, else the operator' }) clearedBy!: string | null;
  @ApiProperty({ type: [AlarmNoteView] }) notes!: AlarmNoteView[];
  @ApiProperty({ description: 'Increases with every change' }) version!: number;
}

export class AlarmView extends AlarmSnapshotView {
  @ApiProperty() sourceId!: string;
  @ApiProperty({ enum: ['sensor', 'meter'] }) sourceKind!: SourceKind;
  @ApiProperty({ type: Number, nullable: true, description: 'The reading that raised it' }) raiseValue!: number | null;
  @ApiProperty({ ...nullableDate, description: 'When the clear condition began to hold (the run that ended the episode)' }) clearStartedAt!: Date | null;
  @ApiProperty({ ...nullableDate, description: 'When the episode ended in event time; null while the condition lasts' }) episodeEndedAt!: Date | null;
  @ApiProperty(object) details!: Record<string, unknown>;
  @ApiProperty(dateTime) updatedAt!: Date;
}

export class AlarmRecordView extends AlarmView {
  @ApiProperty({ enum: ['postgres', 'mongodb'], description: 'Store this record was read from' }) source!: 'postgres' | 'mongodb';
}

export class StoreFailureView {
  @ApiProperty() store!: string;
  @ApiProperty() error!: string;
}

export class AlarmPageResponse {
  @ApiProperty({ type: [AlarmRecordView], description: 'Newest raise first' }) alarms!: AlarmRecordView[];
  @ApiProperty({ enum: ['postgres', 'mongodb'] }) source!: 'postgres' | 'mongodb';
  @ApiProperty({ type: [StoreFailureView], description: 'Stores tried first that could not answer' }) failed!: StoreFailureView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class GridEventView {
  @ApiProperty({ format: 'uuid', description: 'Version-1 UUID whose time is the timestamp; the same in every store and on grid-events' }) eventId!: string;
  @ApiProperty() sourceId!: string;
  @ApiProperty({ enum: ['sensor', 'meter'] }) sourceKind!: SourceKind;
  @ApiProperty({ enum: EVENT_TYPE_LIST }) type!: EventType;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ enum: [...ALARM_STATUSES, 'raised'], description: "The alarm's status after the event, or raised for a one-off event" }) status!: AlarmStatus | 'raised';
  @ApiProperty(dateTime) timestamp!: Date;
  @ApiProperty(object) details!: Record<string, unknown>;
  @ApiPropertyOptional({ type: AlarmSnapshotView }) alarm?: AlarmSnapshotView;
}

export class EventRecordView extends GridEventView {
  @ApiProperty({ enum: ['cassandra', 'mongodb'], description: 'Store this record was read from' }) source!: 'cassandra' | 'mongodb';
}

export class EventPageResponse {
  @ApiProperty({ type: [EventRecordView], description: 'Newest first' }) events!: EventRecordView[];
  @ApiProperty({ enum: ['cassandra', 'mongodb'] }) source!: 'cassandra' | 'mongodb';
  @ApiProperty({ type: [StoreFailureView] }) failed!: StoreFailureView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class DeliveryOutcomeView {
  @ApiProperty({ enum: ['cassandra', 'mongodb', 'kafka'] }) target!: 'cassandra' | 'mongodb' | 'kafka';
  @ApiProperty({ description: 'false: the event waits in the delivery backlog for this target' }) ok!: boolean;
  @ApiProperty() delivered!: number;
  @ApiProperty() refused!: number;
  @ApiPropertyOptional() skipped?: boolean;
  @ApiPropertyOptional() error?: string;
}

export class AlarmActionResponse {
  @ApiProperty({ type: AlarmView }) alarm!: AlarmView;
  @ApiProperty({ type: GridEventView }) event!: GridEventView;
  @ApiProperty({ type: [DeliveryOutcomeView], description: 'Where the event went at once (the rest follows from the backlog)' }) delivery!: DeliveryOutcomeView[];
}
