import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { ChainBreak } from '@smartgrid/audit';
import { PageLimit } from '@smartgrid/http';

/** ISO-8601 date-time with a zone (Z or ±hh:mm): a bound without one would be ambiguous. */
export const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const DETAILS_PATH = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

/** How the audit log and its checkpoints are paged: newest first, `nextCursor` to go on. */
export class AuditPageQueryDto {
  @PageLimit(500, { default: 50 })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @Matches(/^[1-9]\d{0,15}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class AuditQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ description: 'Exact actor (username, or the actor of an audit-events message)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256)
  actor?: string;

  @ApiPropertyOptional({ example: 'user.role_changed' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128)
  action?: string;

  @ApiPropertyOptional({ example: 'user:6f1c…' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(512)
  resource?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound on the entry timestamp (ISO-8601 with zone)' })
  @IsOptional() @IsString() @Matches(ZONED_TIMESTAMP, { message: 'from must be an ISO-8601 timestamp with a zone, e.g. 2026-11-26T10:00:00Z' }) @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on the entry timestamp (ISO-8601 with zone)' })
  @IsOptional() @IsString() @Matches(ZONED_TIMESTAMP, { message: 'to must be an ISO-8601 timestamp with a zone, e.g. 2026-11-26T10:00:00Z' }) @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Dotted path of a field inside details (metadata), e.g. changes.role.to; use with metaValue', example: 'changes.role.to' })
  @IsOptional() @IsString() @Matches(DETAILS_PATH, { message: 'metaPath must be dot-separated names of letters, digits, _ or - (at most 8 levels)' })
  metaPath?: string;

  @ApiPropertyOptional({ description: 'Value the metaPath field must hold (as text; numbers and booleans match their spelling)', example: 'admin' })
  @IsOptional() @IsString() @MaxLength(256)
  metaValue?: string;


  @ApiPropertyOptional({ enum: ['auto', 'mongodb', 'postgres'], default: 'auto', description: 'auto: MongoDB, with PostgreSQL for what MongoDB does not hold yet or when it is down' })
  @IsOptional() @IsIn(['auto', 'mongodb', 'postgres'])
  source?: 'auto' | 'mongodb' | 'postgres';
}

export class AuditEntryView {
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'When the action happened' }) timestamp!: string;
  @ApiProperty({ description: 'When the entry was appended' }) recordedAt!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() action!: string;
  @ApiProperty() resource!: string;
  @ApiProperty({ enum: ['api', 'kafka', 'system'] }) origin!: string;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clientAddress!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Free-form metadata, e.g. field-level diffs' }) details!: Record<string, unknown>;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
  @ApiProperty({ enum: ['mongodb', 'postgres'], description: 'The store this entry was read from' }) source!: 'mongodb' | 'postgres';
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView] }) items!: AuditEntryView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page' }) nextCursor!: string | null;
  @ApiProperty({ enum: ['mongodb', 'postgres', 'mixed'], description: 'Which stores answered' }) source!: 'mongodb' | 'postgres' | 'mixed';
}

export class ChainBreakView implements ChainBreak {
  @ApiProperty({ nullable: true, type: Number }) seq!: number | null;
  @ApiProperty({ nullable: true, type: String }) id!: string | null;
  @ApiProperty({ enum: ['sequence_gap', 'sequence_disorder', 'prev_hash_mismatch', 'hash_mismatch', 'head_mismatch', 'anchor_mismatch', 'checkpoint_mismatch'] })
  reason!: ChainBreak['reason'];
  @ApiProperty() message!: string;
  @ApiPropertyOptional() expected?: string;
  @ApiPropertyOptional() actual?: string;
}

export class MirrorCheckView {
  @ApiProperty({ enum: ['disabled', 'unavailable', 'consistent', 'lagging', 'inconsistent'] }) status!: string;
  @ApiPropertyOptional() detail?: string;
}

export class CheckpointCheckView {
  @ApiProperty({ enum: ['disabled', 'none', 'verified', 'mismatch'], description: 'disabled: no AUDIT_CHECKPOINT_KEY; none: no valid checkpoint yet' }) status!: string;
  @ApiPropertyOptional({ description: 'Checkpoints in the audit_checkpoints table' }) stored?: number;
  @ApiPropertyOptional({ description: 'Checkpoints read from the Kafka topic audit-checkpoints, or "unavailable"', oneOf: [{ type: 'number' }, { type: 'string', enum: ['unavailable'] }] })
  published?: number | 'unavailable';
  @ApiPropertyOptional({ description: 'Checkpoints (stored or published) whose signature verified' }) verified?: number;
  @ApiPropertyOptional({ description: 'Stored checkpoints whose signature did not (forged, or another key)' }) invalid?: number;
  @ApiPropertyOptional({ description: 'Valid checkpoints compared with their entry' }) matched?: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) latestSeq?: number | null;
}

export class CheckpointView {
  @ApiProperty() seq!: number;
  @ApiProperty() hash!: string;
  @ApiProperty() signedAt!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'base64 Ed25519 signature over "smartgrid-audit-checkpoint/v1\\n" + canonical JSON of {seq, hash, signedAt, keyId}' }) signature!: string;
}

export class CheckpointPage {
  @ApiProperty({ nullable: true, type: String, description: 'base64 SPKI DER of the signing key (null when signing is off)' }) publicKey!: string | null;
  @ApiProperty({ nullable: true, type: String }) keyId!: string | null;
  @ApiProperty({ type: [CheckpointView] }) items!: CheckpointView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page' }) nextCursor!: string | null;
}

/** GET /audit/checkpoints: a page of checkpoints (the same paging as the audit log). */
export class CheckpointQueryDto extends AuditPageQueryDto {}

export class VerifyReportView {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Entries verified' }) entries!: number;
  @ApiProperty() headSeq!: number;
  @ApiProperty() headHash!: string;
  @ApiProperty({ type: ChainBreakView, nullable: true }) firstBroken!: ChainBreakView | null;
  @ApiProperty({ type: MirrorCheckView }) mirror!: MirrorCheckView;
  @ApiProperty({ type: CheckpointCheckView }) checkpoints!: CheckpointCheckView;
  @ApiProperty() durationMs!: number;
  @ApiProperty() verifiedAt!: string;
}
