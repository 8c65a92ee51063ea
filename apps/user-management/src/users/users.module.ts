import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PRINCIPAL_RESOLVER } from '@smartgrid/auth';
import { UsersPgRepository } from '@smartgrid/postgres';
import { AuditModule } from '../audit/audit.module';
import { FirstAdminSeeder } from './first-admin.seeder';
import { UsersController } from './users.controller';
import { UsersPrincipalResolver } from './users-principal.resolver';
import { usersConfig } from './users.config';
import { UsersService } from './users.service';

const httpControllers = [UsersController];
const repositories = [UsersPgRepository];

/** Users and roles (migrations: `usersMigrations`), first-admin seeding, token re-checks. */
@Module({
  imports: [ConfigModule.forFeature(usersConfig), AuditModule],
  controllers: httpControllers,
  providers: [...repositories, UsersService, FirstAdminSeeder, { provide: PRINCIPAL_RESOLVER, useClass: UsersPrincipalResolver }],
  exports: [UsersService, UsersPgRepository, PRINCIPAL_RESOLVER],
})
export class UsersModule {}
