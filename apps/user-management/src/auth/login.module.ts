import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { loginThrottleConfig } from './login-throttle.config';
import { LoginService } from './login.service';

/**
 * POST /api/auth/login and GET /api/auth/me; tokens come from AuthModule's TokenService, the
 * users and login-throttle ports from UsersModule's persistence.
 */
@Module({
  imports: [ConfigModule.forFeature(loginThrottleConfig), UsersModule],
  controllers: [AuthController],
  providers: [LoginService],
})
export class LoginModule {}
