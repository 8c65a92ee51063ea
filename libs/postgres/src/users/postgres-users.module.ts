import { Module } from '@nestjs/common';
import { LOGIN_THROTTLE_STORE, TOKEN_REVOCATION_OUTBOX, USERS_REPOSITORY } from '@smartgrid/users';
import { PostgresLoginThrottleStore } from './postgres-login-throttle.store';
import { PostgresTokenRevocationOutbox } from './postgres-token-revocation.outbox';
import { PostgresUsersRepository } from './postgres-users.repository';

/**
 * The users, login-throttle and revocation-outbox adapters, bound to their ports. Needs PostgresModule (global
 * DataSource) with `usersMigrations` applied.
 */
@Module({
  providers: [
    { provide: USERS_REPOSITORY, useClass: PostgresUsersRepository },
    { provide: LOGIN_THROTTLE_STORE, useClass: PostgresLoginThrottleStore },
    { provide: TOKEN_REVOCATION_OUTBOX, useClass: PostgresTokenRevocationOutbox },
  ],
  exports: [USERS_REPOSITORY, LOGIN_THROTTLE_STORE, TOKEN_REVOCATION_OUTBOX],
})
export class PostgresUsersModule {}
