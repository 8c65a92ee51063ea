import { RegistryInputError } from './registry.errors';
import type { DeviceLifecycle, OperatorStatus, RegistryStatus } from './registry.model';

export interface LifecycleRequest {
  status?: OperatorStatus;
  installedAt?: Date | null;
  decommissionedAt?: Date | null;
}

/**
 * The status and decommissioning date a change leads to: `decommissionedAt` is set exactly
 * while the status is `decommissioned` (to now, unless given), cleared when a device returns
 * to service, and never before `installedAt`. Returns only what changes.
 */
export function lifecycleChanges(current: DeviceLifecycle, requested: LifecycleRequest, now: Date): { status?: OperatorStatus; decommissionedAt?: Date | null } {
  const status: RegistryStatus = requested.status ?? current.status;
  let decommissionedAt: Date | null;
  if (status === 'decommissioned') {
    decommissionedAt = requested.decommissionedAt !== undefined ? requested.decommissionedAt : (current.decommissionedAt ?? now);
    if (decommissionedAt === null) throw new RegistryInputError('decommissionedAt', 'cannot be cleared while the status is decommissioned');
  } else {
    if (requested.decommissionedAt !== undefined && requested.decommissionedAt !== null) {
      throw new RegistryInputError('decommissionedAt', 'can only be set with status decommissioned');
    }
    decommissionedAt = null;
  }
  const installedAt = requested.installedAt !== undefined ? requested.installedAt : current.installedAt;
  if (installedAt && decommissionedAt && decommissionedAt.getTime() < installedAt.getTime()) {
    throw new RegistryInputError('decommissionedAt', 'must not be before installedAt');
  }
  const out: { status?: OperatorStatus; decommissionedAt?: Date | null } = {};
  if (requested.status !== undefined) out.status = requested.status;
  if ((decommissionedAt?.getTime() ?? null) !== (current.decommissionedAt?.getTime() ?? null)) out.decommissionedAt = decommissionedAt;
  return out;
}

/** What a newly registered device starts from. */
export const UNREGISTERED: DeviceLifecycle = { status: 'unregistered', installedAt: null, decommissionedAt: null };
