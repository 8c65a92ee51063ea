import { checkRuleDefinition, clears, raises, RuleDefinitionError, ruleSelects } from './alarm-rule.model';

const fieldOf = (f: () => void): string | undefined => {
  try {
    f();
  } catch (err) {
    if (err instanceof RuleDefinitionError) return err.field;
    throw err;
  }
  return undefined;
};

describe('alarm rule definitions', () => {
  it('names the field that does not hold together', () => {
    expect(fieldOf(() => checkRuleDefinition({ selector: {}, condition: { op: 'above', threshold: 1, minDurationSeconds: 0 }, clear: { minDurationSeconds: 0 } }))).toBe('selector');
    expect(fieldOf(() => checkRuleDefinition({ selector: { sensorType: 'v' }, condition: { op: 'above', minDurationSeconds: 0 }, clear: { minDurationSeconds: 0 } }))).toBe('condition.threshold');
    expect(
      fieldOf(() => checkRuleDefinition({ selector: { sensorType: 'v' }, condition: { op: 'above', threshold: 253, minDurationSeconds: 0 }, clear: { threshold: 255, minDurationSeconds: 0 } })),
    ).toBe('clear.threshold');
    expect(
      fieldOf(() => checkRuleDefinition({ selector: { sensorType: 'v' }, condition: { op: 'outside', low: 207, high: 253, minDurationSeconds: 0 }, clear: { low: 200, minDurationSeconds: 0 } })),
    ).toBe('clear.low');
    expect(
      fieldOf(() => checkRuleDefinition({ selector: { sensorType: 'v' }, condition: { op: 'below', threshold: 10, low: 1, minDurationSeconds: 0 }, clear: { minDurationSeconds: 0 } })),
    ).toBe('condition.low');
    expect(fieldOf(() => checkRuleDefinition({ selector: { sensorIds: ['S-1'] }, condition: { op: 'below', threshold: 10, minDurationSeconds: 5 }, clear: { threshold: 12, minDurationSeconds: 5 } }))).toBeUndefined();
  });

  it('raise and clear thresholds form the hysteresis band', () => {
    const c = { op: 'above' as const, threshold: 253, minDurationSeconds: 0 };
    const k = { threshold: 250, minDurationSeconds: 0 };
    expect([raises(c, 253), raises(c, 253.1)]).toEqual([false, true]);
    expect([clears(c, k, 250), clears(c, k, 249.9), clears(c, k, 252)]).toEqual([false, true, false]);
  });

  it('selects by type, ids and a metadata field compared as text', () => {
    const rule = { selector: { sensorType: 'voltage', metadata: { path: 'feeder.id', value: 7 } } };
    expect(ruleSelects(rule, { sensorId: 'S', sensorType: 'voltage', metadata: { feeder: { id: '7' } } })).toBe(true);
    expect(ruleSelects(rule, { sensorId: 'S', sensorType: 'voltage', metadata: { feeder: { id: 8 } } })).toBe(false);
    expect(ruleSelects(rule, { sensorId: 'S', sensorType: 'current', metadata: { feeder: { id: 7 } } })).toBe(false);
    expect(ruleSelects({ selector: { sensorIds: ['A'] } }, { sensorId: 'B', sensorType: 'x' })).toBe(false);
  });
});
