import { Body, Controller, Get, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentToken, CurrentUser, Public, VerifiedToken } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import type { Response } from 'express';
import { LoginDto, LoginResponse, LogoutDto, MeResponse } from './login.dto';
import { DomainErrorsInterceptor } from '../common/domain-errors.interceptor';
import { UsersService } from '../users/users.service';
import { LoginService } from './login.service';

@ApiTags('auth')
@UseInterceptors(DomainErrorsInterceptor)
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for a short-lived access token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors({
    400: 'Malformed body; `fields` names each problem',
    401: 'Wrong username or password',
    403: 'Account disabled',
    429: 'Too many failures for this username or client; see Retry-After',
  })
  signIn(@Body() dto: LoginDto, @ReqMeta() meta: RequestMeta, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    res.setHeader('Cache-Control', 'no-store');
    return this.login.login(dto, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Void this token (or, with allSessions, every token of the caller) in both apps within seconds' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(400, 401)
  async signOut(@Body() dto: LogoutDto, @CurrentUser() user: AuthPrincipal, @CurrentToken() token: VerifiedToken, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.users.logout(user, token, dto.allSessions ?? false, meta);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller, as the token and the current account say (any role)' })
  @ApiOkResponse({ type: MeResponse })
  @ApiErrors(401)
  me(@CurrentUser() user: AuthPrincipal): MeResponse {
    return user;
  }
}
