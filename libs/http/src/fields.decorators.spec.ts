import { ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, validate } from 'class-validator';
import { OptionalString, PRINTABLE } from './fields.decorators';
import { toFieldErrors } from './validation.errors';

class Composed {
  @OptionalString({ description: 'A search term' }, Length(1, 8), Matches(PRINTABLE, { message: 'q must not contain control characters' }))
  q?: string;

  @OptionalString({}, MaxLength(4))
  sort?: string;
}

// The same fields written out: the composite must report exactly what they report.
class WrittenOut {
  @ApiPropertyOptional({ description: 'A search term' })
  @IsOptional()
  @IsString()
  @Length(1, 8)
  @Matches(PRINTABLE, { message: 'q must not contain control characters' })
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4)
  sort?: string;
}

async function errorsOf(cls: new () => object, body: Record<string, unknown>) {
  return toFieldErrors(await validate(plainToInstance(cls, body)));
}

describe('OptionalString', () => {
  it('lets the field be absent or null', async () => {
    expect(await errorsOf(Composed, {})).toEqual([]);
    expect(await errorsOf(Composed, { q: null, sort: null })).toEqual([]);
  });

  it.each([
    ['a valid value', { q: 'feeder', sort: 'name' }],
    ['too long', { q: 'much too long', sort: 'lengthy' }],
    ['empty', { q: '', sort: '' }],
    ['not a string', { q: 7, sort: ['x'] }],
    ['a control character', { q: 'a\u0007b' }],
  ])('reports %s with the messages, in the order, of the decorators written out', async (_, body) => {
    expect(await errorsOf(Composed, body)).toEqual(await errorsOf(WrittenOut, body));
  });

  // class-validator lists a field's messages last-written first, as for the decorators written out.
  it('names the failing checks', async () => {
    expect(await errorsOf(Composed, { q: 7 })).toEqual([
      { field: 'q', message: 'q must not contain control characters; q must be longer than or equal to 1 and shorter than or equal to 8 characters; q must be a string' },
    ]);
  });
});
