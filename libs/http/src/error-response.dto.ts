import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ErrorBody, FieldError } from './error-body.model';

// The OpenAPI face of ErrorBody: every error answer of both apps has this schema.

@ApiSchema({ name: 'FieldError', description: 'One invalid input, named by its dotted path' })
export class FieldErrorView implements FieldError {
  @ApiProperty({ example: 'limit' }) field!: string;
  @ApiProperty({ example: 'limit must not be greater than 10000' }) message!: string;
}

@ApiSchema({ name: 'ErrorResponse', description: 'The body of every error answer' })
export class ErrorResponse implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request', description: 'HTTP reason phrase of statusCode' }) error!: string;
  @ApiProperty({ example: 'Invalid input: limit' }) message!: string;
  @ApiPropertyOptional({ type: [FieldErrorView], description: 'On 400s caused by input: one entry per offending field' }) fields?: FieldErrorView[];
  @ApiPropertyOptional({ description: 'X-Request-Id of the request, for finding it in the logs' }) requestId?: string;
}
