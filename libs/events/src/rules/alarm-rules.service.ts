import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { messageOf } from '@smartgrid/hybrid-storage';
import { AlarmRule, checkRuleDefinition, RuleDefinition, RuleDefinitionError, ruleSelects, SensorFacts } from '../domain/alarm-rule.model';
import { EVENTS_SETTINGS, EventsSettings } from '../events.settings';
import { ALARM_RULES_STORE, AlarmRulesStore } from '../ports/alarm-rules-store.port';

export class AlarmRuleNotFoundError extends Error {
  constructor(readonly ruleId: string) {
    super(`no alarm rule ${ruleId}`);
    this.name = 'AlarmRuleNotFoundError';
  }
}

/** A partial change of a rule (PATCH): top-level fields replace the rule's. */
export type RuleChange = Partial<RuleDefinition>;

/**
 * Alarm rules: operators' CRUD, and the enabled rules as evaluation sees them. The enabled set
 * is cached and reloaded when the store's change mark moves (checked every
 * `rulesRefreshMs`, and at once after a change made through this instance), so every instance
 * converges on the same rules within the refresh period.
 */
@Injectable()
export class AlarmRulesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlarmRules');
  private enabled: AlarmRule[] = [];
  private mark: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private failing = false;
  private closed = false;
  /** Bumped whenever the enabled set changes (evaluators re-match their sensors). */
  generation = 0;

  constructor(
    @Inject(ALARM_RULES_STORE) private readonly store: AlarmRulesStore,
    @Inject(EVENTS_SETTINGS) private readonly settings: EventsSettings,
  ) {}

  onApplicationBootstrap(): void {
    void this.refresh().catch(() => undefined);
    this.schedule();
  }

  /** Stops reloading before the stores close (connections go in the later shutdown hooks), and lets a reload in flight end. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.refreshing?.catch(() => undefined);
  }

  /** Enabled rules as of the last refresh. */
  get enabledRules(): readonly AlarmRule[] {
    return this.enabled;
  }

  /** Whether any enabled rule selects by metadata (evaluation then needs the directory). */
  get needsMetadata(): boolean {
    return this.enabled.some((r) => r.selector.metadata !== undefined);
  }

  /** Enabled rules that select this sensor. */
  rulesFor(s: SensorFacts): AlarmRule[] {
    return this.enabled.filter((r) => ruleSelects(r, s));
  }

  /** Reloads the rules if they changed (one refresh at a time; callers share it). */
  refresh(force = false): Promise<void> {
    this.refreshing ??= this.load(force).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  list(): Promise<AlarmRule[]> {
    return this.store.list();
  }

  async get(id: string): Promise<AlarmRule> {
    const r = await this.store.get(id);
    if (!r) throw new AlarmRuleNotFoundError(id);
    return r;
  }

  async create(def: RuleDefinition, actor: string): Promise<AlarmRule> {
    checkRuleDefinition(def);
    const rule = await this.store.create(def, actor);
    await this.refresh(true).catch(() => undefined);
    return rule;
  }

  async update(id: string, change: RuleChange, actor: string): Promise<{ before: AlarmRule; after: AlarmRule }> {
    const r = await this.store.update(
      id,
      (current) => {
        const next: RuleDefinition = {
          name: change.name ?? current.name,
          description: change.description !== undefined ? change.description : current.description,
          enabled: change.enabled ?? current.enabled,
          selector: change.selector ?? current.selector,
          condition: change.condition ?? current.condition,
          // A new raise condition without a clear condition brings the default (same thresholds).
          clear: change.clear ?? (change.condition ? { minDurationSeconds: current.clear.minDurationSeconds } : current.clear),
          severity: change.severity ?? current.severity,
        };
        checkRuleDefinition(next);
        return next;
      },
      actor,
    );
    if (!r) throw new AlarmRuleNotFoundError(id);
    await this.refresh(true).catch(() => undefined);
    return r;
  }

  async remove(id: string): Promise<AlarmRule> {
    const r = await this.store.remove(id);
    if (!r) throw new AlarmRuleNotFoundError(id);
    await this.refresh(true).catch(() => undefined);
    return r;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.refresh()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.settings.rulesRefreshMs);
    this.timer.unref();
  }

  private async load(force: boolean): Promise<void> {
    try {
      const mark = await this.store.changeMark();
      if (!force && mark === this.mark) return;
      const rules = await this.store.list();
      this.enabled = rules.filter((r) => r.enabled);
      this.mark = mark;
      this.generation++;
      if (this.failing) this.logger.log('rules reloaded');
      this.failing = false;
    } catch (err) {
      // Evaluation goes on with the rules it has; PostgreSQL being away is reported by health.
      if (!this.failing) this.logger.warn(`could not reload alarm rules (keeping ${this.enabled.length} enabled): ${messageOf(err)}`);
      this.failing = true;
      throw err;
    }
  }
}

export { RuleDefinitionError };
