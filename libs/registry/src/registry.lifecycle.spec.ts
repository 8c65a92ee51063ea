import { lifecycleChanges, UNREGISTERED } from './registry.lifecycle';
import { RegistryInputError } from './registry.errors';

const now = new Date('2026-03-15T12:00:00Z');
const active = { status: 'active' as const, installedAt: new Date('2026-01-01T00:00:00Z'), decommissionedAt: null };

describe('lifecycleChanges', () => {
  it('decommissioning sets the date (now unless given); returning to service clears it', () => {
    expect(lifecycleChanges(active, { status: 'decommissioned' }, now)).toEqual({ status: 'decommissioned', decommissionedAt: now });
    const at = new Date('2026-03-01T00:00:00Z');
    expect(lifecycleChanges(active, { status: 'decommissioned', decommissionedAt: at }, now)).toEqual({ status: 'decommissioned', decommissionedAt: at });
    const gone = { ...active, status: 'decommissioned' as const, decommissionedAt: at };
    expect(lifecycleChanges(gone, { status: 'active' }, now)).toEqual({ status: 'active', decommissionedAt: null });
    expect(lifecycleChanges(gone, {}, now)).toEqual({});
  });

  it('refuses a decommissioning date without that status, a cleared one, or one before installation', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as RegistryInputError).field;
      }
      return 'none';
    };
    expect(field(() => lifecycleChanges(active, { decommissionedAt: now }, now))).toBe('decommissionedAt');
    expect(field(() => lifecycleChanges({ ...active, status: 'decommissioned', decommissionedAt: now }, { decommissionedAt: null }, now))).toBe('decommissionedAt');
    expect(field(() => lifecycleChanges(active, { status: 'decommissioned', decommissionedAt: new Date('2025-12-31T00:00:00Z') }, now))).toBe('decommissionedAt');
  });

  it('a new device starts from unregistered', () => {
    expect(lifecycleChanges(UNREGISTERED, { status: 'active' }, now)).toEqual({ status: 'active' });
  });
});
