import type { AlarmRule, RuleDefinition } from '../domain/alarm-rule.model';

/** Alarm rules (PostgreSQL). */
export interface AlarmRulesStore {
  list(): Promise<AlarmRule[]>;
  get(id: string): Promise<AlarmRule | null>;
  create(def: RuleDefinition, actor: string): Promise<AlarmRule>;
  /**
   * Changes a rule under a row lock: `change` gets the current rule and returns the new
   * definition (it may throw to refuse). The version goes up and `activeFrom` moves to now.
   * Null when there is no such rule.
   */
  update(id: string, change: (current: AlarmRule) => RuleDefinition, actor: string): Promise<{ before: AlarmRule; after: AlarmRule } | null>;
  remove(id: string): Promise<AlarmRule | null>;
  /** Cheap marker that changes whenever any rule changes (for caches). */
  changeMark(): Promise<string>;
}

export const ALARM_RULES_STORE = Symbol('ALARM_RULES_STORE');
