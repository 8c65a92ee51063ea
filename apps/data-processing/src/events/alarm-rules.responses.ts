import { ApiProperty } from '@nestjs/swagger';
import { SEVERITIES } from '@smartgrid/events';
import type { Severity } from '@smartgrid/events';
import { ClearConditionDto, RaiseConditionDto, RuleSelectorDto } from './alarm-rules.dto';

const dateTime = { type: String, format: 'date-time' } as const;

export class AlarmRuleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Set on the rules shipped with the system (en50160-voltage, en50160-frequency)' }) builtin!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: RuleSelectorDto }) selector!: RuleSelectorDto;
  @ApiProperty({ type: RaiseConditionDto }) condition!: RaiseConditionDto;
  @ApiProperty({ type: ClearConditionDto }) clear!: ClearConditionDto;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ description: 'Increases with every change' }) version!: number;
  @ApiProperty({ ...dateTime, description: 'Readings timestamped before this are not judged by the rule (it moves when the rule is created, enabled or changed)' })
  activeFrom!: Date;
  @ApiProperty(dateTime) createdAt!: Date;
  @ApiProperty() createdBy!: string;
  @ApiProperty(dateTime) updatedAt!: Date;
  @ApiProperty() updatedBy!: string;
}

export class AlarmRuleListResponse {
  @ApiProperty({ type: [AlarmRuleView], description: 'Oldest first' }) rules!: AlarmRuleView[];
}
