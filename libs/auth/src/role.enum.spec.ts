import { hasRole, isRole, Role } from './role.enum';

describe('role hierarchy', () => {
  it.each([
    [Role.Viewer, Role.Viewer, true],
    [Role.Viewer, Role.Operator, false],
    [Role.Operator, Role.Viewer, true],
    [Role.Operator, Role.Admin, false],
    [Role.Admin, Role.Operator, true],
    [Role.Admin, Role.Admin, true],
  ])('%s satisfies %s: %s', (actual, required, expected) => {
    expect(hasRole(actual, required)).toBe(expected);
  });

  it('recognises only the three role names', () => {
    expect(isRole('admin')).toBe(true);
    expect(isRole('Admin')).toBe(false);
    expect(isRole('root')).toBe(false);
    expect(isRole(1)).toBe(false);
  });
});
