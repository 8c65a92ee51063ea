import type { Alarm, AlarmKind, AlarmNote, AlarmRule, AlarmStatus, ClearCondition, Severity, SourceKind } from '@smartgrid/events';

/** A row of `alarm_rules`: the columns named like the rule's fields hold them as they are. */
export interface AlarmRuleRow extends Pick<AlarmRule, 'id' | 'builtin' | 'name' | 'description' | 'enabled' | 'selector' | 'condition' | 'severity' | 'version'> {
  clear_condition: ClearCondition;
  active_from: Date;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

/** A row of `alarms`. */
export interface AlarmRow {
  id: string;
  kind: AlarmKind;
  rule_id: string | null;
  rule_name: string | null;
  source_id: string;
  source_kind: SourceKind;
  severity: Severity;
  status: AlarmStatus;
  episode_started_at: Date;
  raised_at: Date;
  raise_value: number | null;
  clear_started_at: Date | null;
  episode_ended_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  cleared_at: Date | null;
  cleared_by: string | null;
  notes: { at: string; by: string; text: string; action: AlarmNote['action'] }[];
  details: Record<string, unknown>;
  version: number;
  updated_at: Date;
}

export const ALARM_COLUMNS = `id, kind, rule_id, rule_name, source_id, source_kind, severity, status, episode_started_at, raised_at,
  raise_value, clear_started_at, episode_ended_at, acknowledged_at, acknowledged_by, cleared_at, cleared_by, notes, details, version, updated_at`;

export const EventsMapper = {
  ruleToDomain(r: AlarmRuleRow): AlarmRule {
    return {
      id: r.id,
      builtin: r.builtin,
      name: r.name,
      description: r.description,
      enabled: r.enabled,
      selector: r.selector,
      condition: r.condition,
      clear: r.clear_condition,
      severity: r.severity,
      version: r.version,
      activeFrom: r.active_from,
      createdAt: r.created_at,
      createdBy: r.created_by,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    };
  },

  alarmToDomain(r: AlarmRow): Alarm {
    return {
      alarmId: r.id,
      kind: r.kind,
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      sourceId: r.source_id,
      sourceKind: r.source_kind,
      severity: r.severity,
      status: r.status,
      episodeStartedAt: r.episode_started_at,
      raisedAt: r.raised_at,
      raiseValue: r.raise_value,
      clearStartedAt: r.clear_started_at,
      episodeEndedAt: r.episode_ended_at,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_by,
      clearedAt: r.cleared_at,
      clearedBy: r.cleared_by,
      notes: (r.notes ?? []).map((n) => ({ at: new Date(n.at), by: n.by, text: n.text, action: n.action })),
      details: r.details ?? {},
      version: r.version,
      updatedAt: r.updated_at,
    };
  },

  notesToPersistence(notes: readonly AlarmNote[]): string {
    return JSON.stringify(notes.map((n) => ({ at: n.at.toISOString(), by: n.by, text: n.text, action: n.action })));
  },
};
