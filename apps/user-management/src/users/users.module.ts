import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PRINCIPAL_RESOLVER } from '@smartgrid/auth';
import { PostgresUsersModule } from '@smartgrid/postgres';
import { TokenRevocationService } from '../auth/token-revocation.service';
import { FirstAdminSeeder } from './first-admin.seeder';
import { UsersController } from './users.controller';
import { UsersPrincipalResolver } from './users-principal.resolver';
import { usersConfig } from './users.config';
import { UsersService } from './users.service';

const httpControllers = [UsersController];
/** Binds USERS_REPOSITORY and LOGIN_THROTTLE_STORE to their PostgreSQL adapters (migrations: `usersMigrations`). */
const persistence = [PostgresUsersModule];

/**
 * Users and roles, first-admin seeding, token re-checks and revocations (published through the
 * global TokenRevocationsModule). Audit entries go through the global AuditModule.
 */
@Module({
  imports: [ConfigModule.forFeature(usersConfig), ...persistence],
  controllers: httpControllers,
  providers: [UsersService, TokenRevocationService, FirstAdminSeeder, { provide: PRINCIPAL_RESOLVER, useClass: UsersPrincipalResolver }],
  exports: [UsersService, TokenRevocationService, PRINCIPAL_RESOLVER, ...persistence],
})
export class UsersModule {}
