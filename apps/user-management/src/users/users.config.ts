import { registerAs } from '@nestjs/config';

/**
 * The first admin, created only when the users table is empty (ADMIN_USERNAME and
 * ADMIN_PASSWORD). They are checked against the username and password rules when used; once
 * any user exists they are ignored, so they can (and should) be removed after first start.
 */
export const usersConfig = registerAs('users', () => ({
  adminUsername: process.env.ADMIN_USERNAME || undefined,
  adminPassword: process.env.ADMIN_PASSWORD || undefined,
}));
