/** Roles in increasing order of power: each one may do everything the ones before it may. */
export enum Role {
  Viewer = 'viewer',
  Operator = 'operator',
  Admin = 'admin',
}

export const ROLES_IN_ORDER: readonly Role[] = [Role.Viewer, Role.Operator, Role.Admin];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES_IN_ORDER as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES_IN_ORDER.indexOf(role);
}

/** True when `actual` is `required` or above it. */
export function hasRole(actual: Role, required: Role): boolean {
  return roleRank(actual) >= roleRank(required);
}
