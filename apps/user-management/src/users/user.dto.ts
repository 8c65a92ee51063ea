import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Role } from '@smartgrid/auth';
import { PASSWORD_MAX_LENGTH, USERNAME_PATTERN } from '@smartgrid/users';
import { PageLimit } from '@smartgrid/http';

const USERNAME_MESSAGE = 'username must be 3-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';

export class CreateUserDto {
  @ApiProperty({ example: 'grid.operator', pattern: USERNAME_PATTERN.source, description: 'Unique regardless of case' })
  @IsString() @MaxLength(64) @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username!: string;

  @ApiProperty({ minLength: 12, maxLength: PASSWORD_MAX_LENGTH, description: '12-128 characters, a letter and a digit or symbol, 6+ distinct characters, not containing the username' })
  @IsString() @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiProperty({ enum: Role, example: Role.Viewer })
  @IsEnum(Role)
  role!: Role;

  @ApiPropertyOptional({ default: false })
  @IsOptional() @IsBoolean()
  disabled?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional() @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ description: 'true disables the account: no new logins, and its tokens stop working' })
  @IsOptional() @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ description: 'A new password (same rules as on creation)' })
  @IsOptional() @IsString() @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

export class UserIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

export class ListUsersQuery {
  @PageLimit(200, { default: 50 })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(64) @Matches(USERNAME_PATTERN, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items!: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
