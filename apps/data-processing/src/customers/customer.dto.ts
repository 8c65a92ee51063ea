import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { RegistryListQueryDto, StatusField } from '../registry/registry.dto';
import { ContractId } from '@smartgrid/http';

export class ContactDto {
  @ApiPropertyOptional({ example: 'Arta Hoxha' }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ example: 'arta@example.com' }) @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ example: '+355 69 000 0000' }) @IsOptional() @IsString() @Matches(/^[+0-9 ()./-]{3,32}$/, { message: 'phone must be 3-32 digits, spaces or + ( ) . / -' }) phone?: string;
}

export class CreateCustomerDto extends StatusField {
  @ContractId({ description: 'Customer id as meter readings carry it (1-128 printable characters)', example: 'C-301' })
  id!: string;

  @ApiPropertyOptional({ nullable: true, example: 'Hoxha household' }) @IsOptional() @IsString() @Length(1, 200) name?: string | null;
  @ApiPropertyOptional({ nullable: true, example: 'Rruga e Kavajës 10, Tirana' }) @IsOptional() @IsString() @Length(1, 500) address?: string | null;

  @ApiPropertyOptional({ type: ContactDto })
  @ValidateIf((o: CreateCustomerDto) => o.contact !== undefined)
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;
}

export class UpdateCustomerDto extends StatusField {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) name?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @Length(1, 500) address?: string | null;

  @ApiPropertyOptional({ type: ContactDto, description: 'Replaces the contact as a whole' })
  @ValidateIf((o: UpdateCustomerDto) => o.contact !== undefined)
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;
}

export class CustomerListQueryDto extends RegistryListQueryDto {}
