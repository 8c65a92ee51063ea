import { Module } from '@nestjs/common';
import { LOGIN_THROTTLE_STORE, USERS_REPOSITORY } from '@smartgrid/users';
import { PostgresLoginThrottleStore } from './postgres-login-throttle.store';
import { PostgresUsersRepository } from './postgres-users.repository';

/**
 * The users and login-throttle adapters, bound to their ports. Needs PostgresModule (global
 * DataSource) with `usersMigrations` applied.
 */
@Module({
  providers: [
    { provide: USERS_REPOSITORY, useClass: PostgresUsersRepository },
    { provide: LOGIN_THROTTLE_STORE, useClass: PostgresLoginThrottleStore },
  ],
  exports: [USERS_REPOSITORY, LOGIN_THROTTLE_STORE],
})
export class PostgresUsersModule {}
