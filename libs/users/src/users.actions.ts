/** Action names of the audit entries written for users and logins (audit-events messages bring their own). */
export const AUDIT_ACTIONS = {
  userCreated: 'user.created',
  userRoleChanged: 'user.role_changed',
  userDisabled: 'user.disabled',
  userEnabled: 'user.enabled',
  userPasswordChanged: 'user.password_changed',
  userDeleted: 'user.deleted',
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  logout: 'auth.logout',
} as const;
