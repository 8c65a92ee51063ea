import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role } from '@smartgrid/auth';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'a long passphrase 42' })
  @IsString() @IsNotEmpty() @MaxLength(128)
  password!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ default: false, description: 'Void every token of the caller (all sessions), not only this one' })
  @IsOptional() @IsBoolean()
  allSessions?: boolean;
}

export class LoginUserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: Role }) role!: Role;
}

export class LoginResponse {
  @ApiProperty({ description: 'JWT (HS256); send as `Authorization: Bearer <token>`' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ type: LoginUserView }) user!: LoginUserView;
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: Role }) role!: Role;
}
