import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoginThrottleRepository } from '@smartgrid/postgres';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { loginThrottleConfig } from './login-throttle.config';
import { LoginService } from './login.service';

/** POST /api/auth/login and GET /api/auth/me; tokens come from AuthModule's TokenService. */
@Module({
  imports: [ConfigModule.forFeature(loginThrottleConfig), UsersModule, AuditModule],
  controllers: [AuthController],
  providers: [LoginThrottleRepository, LoginService],
})
export class LoginModule {}
