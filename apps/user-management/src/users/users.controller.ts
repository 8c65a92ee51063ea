import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthPrincipal, CurrentUser, Role, Roles } from '@smartgrid/auth';
import { ApiErrors, ReqMeta, RequestMeta } from '@smartgrid/http';
import { DomainErrorsInterceptor } from '../common/domain-errors.interceptor';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserIdParams, UserPage, UserView } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@UseInterceptors(DomainErrorsInterceptor)
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles(Role.Operator)
  @ApiOperation({ summary: 'List users (by username)' })
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: ListUsersQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors({ 409: 'Username taken (case-insensitively)' })
  create(@Body() dto: CreateUserDto, @CurrentUser() principal: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<UserView> {
    return this.users.create(dto, { principal, meta });
  }

  @Get(':id')
  @Roles(Role.Operator)
  @ApiOperation({ summary: 'Read a user' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors(404)
  get(@Param() params: UserIdParams): Promise<UserView> {
    return this.users.get(params.id);
  }

  @Patch(':id')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change role, enable/disable, or set a new password' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors(404, { 409: 'Would leave no enabled admin' })
  update(@Param() params: UserIdParams, @Body() dto: UpdateUserDto, @CurrentUser() principal: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<UserView> {
    return this.users.update(params.id, dto, { principal, meta });
  }

  @Delete(':id')
  @Roles(Role.Admin)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (its audit entries stay)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, { 409: 'Would leave no enabled admin' })
  async remove(@Param() params: UserIdParams, @CurrentUser() principal: AuthPrincipal, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.users.remove(params.id, { principal, meta });
  }
}
